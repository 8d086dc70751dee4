namespace ModelGate.Core.Tensors;

/// <summary>
/// Where the safetensors files of a streamed model live when they are not on this machine: a registry read by byte
/// ranges (the header, then one tensor at a time). Reads are asynchronous: <see cref="ModelWeights"/> awaits them when
/// it opens a folder and when a tensor is fetched ahead of its compute step, so no thread waits on the network.
/// </summary>
public interface IRemoteShardSource
{
    /// <summary>Whether the model has a safetensors file of this name (a plain file name, no folder).</summary>
    bool Contains(string fileName);

    /// <summary>The names of the model's <c>*.safetensors</c> files.</summary>
    IReadOnlyList<string> SafetensorsFiles { get; }

    /// <summary>The length of <paramref name="fileName"/> in bytes.</summary>
    long LengthOf(string fileName);

    /// <summary>The SHA-256 of <paramref name="fileName"/> (lower-case hex) when the registry says it (the Hub's LFS files); null otherwise.</summary>
    string? Sha256Of(string fileName);

    /// <summary>Bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of <paramref name="fileName"/>.</summary>
    Task<byte[]> ReadAsync(string fileName, long offset, int length, CancellationToken cancellationToken);

    /// <summary>Bytes read so far, for reports (they say how much an analysis fetched).</summary>
    long BytesRead { get; }
}
