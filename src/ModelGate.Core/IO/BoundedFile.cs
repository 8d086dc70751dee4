using System.Text;
using ModelGate.Core.Errors;

namespace ModelGate.Core.IO;

/// <summary>
/// The one way ModelGate reads a file the user hands it (configs, tokenizers, policies, verdicts, templates,
/// manifests, corpora): only a regular file, and never more than a limit. A file's length says nothing for devices
/// and pipes (it is 0), so the type is checked before opening (opening a FIFO blocks) and at most limit + 1 bytes
/// are read, whatever the file claims. Model weights are memory-mapped elsewhere and go through
/// <see cref="RequireRegular"/>.
/// </summary>
public static class BoundedFile
{
    /// <summary>JSON and text configuration: configs, policies, verdicts, templates, settings, manifests, indexes.</summary>
    public const long ConfigLimit = 16L << 20;

    /// <summary>Tokenizer files (tokenizer.json, vocab.json, merges.txt, vocab.txt): large vocabularies run to tens of MB.</summary>
    public const long TokenizerLimit = 256L << 20;

    /// <summary>Evaluation data (text corpora, JSON Lines task files), read as a stream against this budget.</summary>
    public const long TextDataLimit = 1L << 30;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>The whole file, if it is a regular file of at most <paramref name="limit"/> bytes; <paramref name="what"/> names it in errors ("policy file").</summary>
    public static byte[] ReadAllBytes(string path, long limit, string what)
    {
        using var stream = OpenRead(path, limit, what);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>The whole file as UTF-8 text (a byte order mark is dropped), under the same rules as <see cref="ReadAllBytes"/>.</summary>
    public static string ReadAllText(string path, long limit, string what)
    {
        var bytes = ReadAllBytes(path, limit, what);
        var body = bytes.AsSpan();
        return Utf8.GetString(body.StartsWith("\uFEFF"u8) ? body[3..] : body);
    }

    /// <summary>The file's lines, read as a stream against <paramref name="limit"/> bytes in all (for large line-based files).</summary>
    public static IEnumerable<string> ReadLines(string path, long limit, string what)
    {
        using var reader = new StreamReader(OpenRead(path, limit, what), Utf8, detectEncodingFromByteOrderMarks: true);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    /// <summary>
    /// A read-only stream over a regular file that fails with a <see cref="UserInputException"/> as soon as more than
    /// <paramref name="limit"/> bytes have been read, for files read line by line.
    /// </summary>
    public static Stream OpenRead(string path, long limit, string what)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        RequireRegular(path, what);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot read the {what} ({e.Message})", e);
        }

        return new BudgetedStream(stream, limit, () => new UserInputException($"{path}: larger than {FormatLimit(limit)} limit for {Article(what)}"));
    }

    /// <summary>Refuses anything but a regular file (or a link to one): a FIFO would block the open, a device never ends.</summary>
    public static void RequireRegular(string path, string what)
    {
        var kind = FileKinds.Of(path);
        switch (kind)
        {
            case FileKind.Regular:
                return;
            case FileKind.Missing:
                throw new UserInputException($"{path}: {what} not found");
            default:
                throw new UserInputException($"{path}: is {FileKinds.Describe(kind)}, not a regular file; {Article(what)} must be a regular file");
        }
    }

    private static string Article(string what) => ("aeiou".Contains(char.ToLowerInvariant(what[0])) ? "an " : "a ") + what;

    private static string FormatLimit(long limit) =>
        limit >= 1 << 20 && limit % (1 << 20) == 0 ? $"{limit >> 20} MiB" : $"{limit} byte";

    /// <summary>Counts what passes through and throws once the budget is exceeded; reads one byte past it to know.</summary>
    private sealed class BudgetedStream(Stream inner, long budget, Func<Exception> overBudget) : Stream
    {
        private long read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            // Never ask for more than one byte beyond the budget, so a huge file costs at most limit + 1 bytes.
            var allowed = (int)Math.Min(buffer.Length, budget + 1 - read);
            var n = inner.Read(buffer[..allowed]);
            read += n;
            if (read > budget)
            {
                throw overBudget();
            }

            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var allowed = (int)Math.Min(buffer.Length, budget + 1 - read);
            var n = await inner.ReadAsync(buffer[..allowed], cancellationToken);
            read += n;
            if (read > budget)
            {
                throw overBudget();
            }

            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
