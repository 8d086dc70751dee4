using System.Globalization;
using System.Text;
using ModelGate.Core.Errors;

namespace ModelGate.Forgetting.Tokenizers;

/// <summary>
/// BPE as Hugging Face <c>tokenizers</c> runs it for SentencePiece-converted vocabularies (Llama 2, Mistral):
/// characters in, the lowest-ranked adjacent pair merged first (leftmost on ties), characters missing from the
/// vocabulary spelled as <c>&lt;0xNN&gt;</c> byte tokens (<c>byte_fallback</c>) or one (fused) unknown token.
/// Microsoft.ML.Tokenizers' BpeTokenizer has no byte fallback, hence this one. Linked symbols and a priority queue,
/// as tokenizers' <c>Word::merge_all</c>, so a whole document without pre-tokenization stays O(n log n).
/// </summary>
internal sealed class SentencePieceBpe
{
    private readonly IReadOnlyDictionary<string, int> _vocab;
    private readonly Dictionary<(int Left, int Right), (int Rank, int Merged)> _merges;
    private readonly int? _unk;
    private readonly bool _byteFallback;
    private readonly bool _fuseUnknown;
    private readonly bool _ignoreMerges;

    public SentencePieceBpe(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges,
        string? unknownToken, bool byteFallback, bool fuseUnknown, bool ignoreMerges)
    {
        _vocab = vocab;
        _merges = new Dictionary<(int, int), (int, int)>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (vocab.TryGetValue(left, out var l) && vocab.TryGetValue(right, out var r) && vocab.TryGetValue(left + right, out var m))
            {
                _merges.TryAdd((l, r), (rank, m));
            }
        }

        _unk = unknownToken is not null && vocab.TryGetValue(unknownToken, out var u) ? u : null;
        _byteFallback = byteFallback;
        _fuseUnknown = fuseUnknown;
        _ignoreMerges = ignoreMerges;
    }

    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0)
        {
            return;
        }

        if (_ignoreMerges && _vocab.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }

        var ids = new List<int>(word.Length);
        var lastWasUnknown = false;
        foreach (var rune in word.EnumerateRunes())
        {
            var text = rune.ToString();
            if (_vocab.TryGetValue(text, out var id))
            {
                ids.Add(id);
                lastWasUnknown = false;
                continue;
            }

            if (_byteFallback && TryBytes(rune, ids))
            {
                lastWasUnknown = false;
                continue;
            }

            if (_unk is not { } unk)
            {
                throw new UserInputException($"tokenizer.json: '{text}' is not in the vocabulary and the BPE model has no unk_token");
            }

            if (!(_fuseUnknown && lastWasUnknown))
            {
                ids.Add(unk);
            }

            lastWasUnknown = true;
        }

        Merge(ids, output);
    }

    private bool TryBytes(Rune rune, List<int> ids)
    {
        Span<byte> bytes = stackalloc byte[4];
        var n = rune.EncodeToUtf8(bytes);
        var start = ids.Count;
        for (var i = 0; i < n; i++)
        {
            if (!_vocab.TryGetValue(string.Create(CultureInfo.InvariantCulture, $"<0x{bytes[i]:X2}>"), out var b))
            {
                ids.RemoveRange(start, ids.Count - start);
                return false;
            }

            ids.Add(b);
        }

        return true;
    }

    private void Merge(List<int> ids, List<int> output)
    {
        var n = ids.Count;
        var symbol = ids.ToArray();
        var next = new int[n];
        var prev = new int[n];
        var alive = new bool[n];
        for (var i = 0; i < n; i++)
        {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
            alive[i] = true;
        }

        var queue = new PriorityQueue<(int Left, int Right, int Merged), (int Rank, int Left)>();
        void Offer(int left)
        {
            var right = next[left];
            if (right >= 0 && _merges.TryGetValue((symbol[left], symbol[right]), out var m))
            {
                queue.Enqueue((left, right, m.Merged), (m.Rank, left));
            }
        }

        for (var i = 0; i + 1 < n; i++)
        {
            Offer(i);
        }

        while (queue.TryDequeue(out var item, out _))
        {
            // Stale entries: either side merged away or changed since the pair was offered.
            if (!alive[item.Left] || !alive[item.Right] || next[item.Left] != item.Right
                || !_merges.TryGetValue((symbol[item.Left], symbol[item.Right]), out var m) || m.Merged != item.Merged)
            {
                continue;
            }

            symbol[item.Left] = item.Merged;
            alive[item.Right] = false;
            next[item.Left] = next[item.Right];
            if (next[item.Left] >= 0)
            {
                prev[next[item.Left]] = item.Left;
            }

            if (prev[item.Left] >= 0)
            {
                Offer(prev[item.Left]);
            }

            Offer(item.Left);
        }

        for (var i = 0; i >= 0 && i < n; i = next[i])
        {
            output.Add(symbol[i]);
        }
    }
}
