using ModelGate.Demo;

namespace ModelGate.Core.Tests.Fuzzing;

/// <summary>
/// One parser under fuzz: valid inputs to start from, the file name the input is written under (readers pick their
/// format by extension), and the entry point the CLI calls on that file.
/// </summary>
internal sealed record FuzzTarget(string Name, string FileName, IReadOnlyList<byte[]> Seeds, Func<string, Task> Parse)
{
    public FuzzTarget(string name, string fileName, IReadOnlyList<byte[]> seeds, Action<string> parse)
        : this(name, fileName, seeds, path =>
        {
            parse(path);
            return Task.CompletedTask;
        })
    {
    }

    /// <summary>Names and keys the JSON mutations plant; the string tokens of the seeds are always included.</summary>
    public IReadOnlyList<string> Dictionary { get; init; } = [];

    /// <summary>How an input is mutated; targets with a binary envelope replace it to keep the envelope consistent most of the time.</summary>
    public Func<byte[], DeterministicRandom, Mutator, Func<byte[]>, byte[]> Mutate { get; init; } =
        static (input, random, mutator, other) => mutator.Mutate(input, random, other);

    /// <summary>
    /// For minimizing: the part of an input worth shrinking and how to rebuild a whole input around a shrunk part
    /// (a safetensors header without its length prefix and data). By default the whole input.
    /// </summary>
    public Func<byte[], (byte[] Body, Func<byte[], byte[]> Rebuild)> Envelope { get; init; } = static input => (input, static body => body);

    public string Extension => Path.GetExtension(FileName);

    public override string ToString() => Name;
}
