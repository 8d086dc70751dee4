using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Models;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Tests.Metrics;

/// <summary>
/// An exact bigram model behind <see cref="ILanguageModel"/>, so a test can compute every log-probability by hand:
/// as a causal LM, log p(next | token) = <see cref="LogProb"/>(token, next); as a masked LM, the mask at position t
/// is predicted from its left neighbour the same way and every unmasked position gets a uniform guess (so a test
/// notices when the wrong position is masked).
/// </summary>
internal sealed class BigramLanguageModel : ILanguageModel
{
    private readonly float[,] _logProbs;
    private readonly int _maskId;

    public BigramLanguageModel(float[,] logProbs, LanguageModelKind kind = LanguageModelKind.Causal, int maxPositions = 64, int maskId = -1)
    {
        TorchRuntime.EnsureLoaded();
        _logProbs = logProbs;
        Kind = kind;
        MaxPositions = maxPositions;
        _maskId = maskId;
    }

    /// <summary>Add-one smoothed bigram probabilities of <paramref name="sequences"/>, mixed with uniform by <paramref name="blur"/> (0..1).</summary>
    public static float[,] Table(int vocabulary, IEnumerable<int[]> sequences, double blur = 0)
    {
        var counts = new double[vocabulary, vocabulary];
        foreach (var s in sequences)
        {
            for (var i = 0; i + 1 < s.Length; i++)
            {
                counts[s[i], s[i + 1]]++;
            }
        }

        var table = new float[vocabulary, vocabulary];
        for (var a = 0; a < vocabulary; a++)
        {
            double row = 0;
            for (var b = 0; b < vocabulary; b++)
            {
                row += counts[a, b] + 1;
            }

            for (var b = 0; b < vocabulary; b++)
            {
                var p = ((1 - blur) * (counts[a, b] + 1) / row) + (blur / vocabulary);
                table[a, b] = (float)Math.Log(p);
            }
        }

        return table;
    }

    public double LogProb(int token, int next) => _logProbs[token, next];

    public string ModelType => "bigram";

    public LanguageModelKind Kind { get; }

    public int VocabularySize => _logProbs.GetLength(0);

    public int MaxPositions { get; }

    public Device Device => CPU;

    public long WeightBytes => _logProbs.LongLength * sizeof(float);

    public int ForwardCalls { get; private set; }

    public long LargestBatch { get; private set; }

    public bool SawAttentionMask { get; private set; }

    public Tensor Forward(Tensor inputIds, Tensor? attentionMask)
    {
        ForwardCalls++;
        LargestBatch = Math.Max(LargestBatch, inputIds.shape[0]);
        SawAttentionMask |= attentionMask is not null;
        if (inputIds.shape[1] > MaxPositions)
        {
            throw new InvalidOperationException($"{inputIds.shape[1]} positions given, the model takes {MaxPositions}");
        }

        var v = VocabularySize;
        var flat = new float[v * v];
        Buffer.BlockCopy(_logProbs, 0, flat, 0, flat.Length * sizeof(float));
        var table = tensor(flat, [v, v]);
        var (batch, time) = (inputIds.shape[0], inputIds.shape[1]);
        if (Kind == LanguageModelKind.Causal)
        {
            return table.index_select(0, inputIds.reshape(-1)).reshape(batch, time, v);
        }

        // Masked: left neighbour's row where the mask is, zeros (uniform) elsewhere.
        var left = cat([inputIds.narrow(1, 0, 1), inputIds.narrow(1, 0, time - 1)], 1);
        var rows = table.index_select(0, left.reshape(-1)).reshape(batch, time, v);
        var isMask = inputIds.eq(_maskId).unsqueeze(-1).to_type(ScalarType.Float32);
        return rows * isMask;
    }

    public void Dispose()
    {
    }
}
