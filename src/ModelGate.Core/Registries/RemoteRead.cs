namespace ModelGate.Core.Registries;

/// <summary>
/// An open download of one file. <see cref="Offset"/> is where <see cref="Content"/> starts: the offset asked for
/// when the registry honoured the range, 0 when it sent the whole file instead.
/// </summary>
public sealed class RemoteRead(Stream content, long offset) : IAsyncDisposable
{
    public Stream Content { get; } = content;

    public long Offset { get; } = offset;

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
