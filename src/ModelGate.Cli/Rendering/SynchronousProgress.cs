namespace ModelGate.Cli.Rendering;

/// <summary>
/// Reports on the worker's thread, in order: <see cref="Progress{T}"/> posts to the thread pool, which would
/// draw stale states after the work has ended.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
