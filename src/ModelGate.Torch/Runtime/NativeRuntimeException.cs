namespace ModelGate.Torch.Runtime;

/// <summary>
/// The native Torch runtime could not be made to load on this machine. Unlike a bug, the user can fix it
/// (install a newer libstdc++, point MODELGATE_CACHE at a writable folder), so the one-line
/// <see cref="Exception.Message"/> always says what failed and what to do; front ends print it without a trace.
/// </summary>
public sealed class NativeRuntimeException : Exception
{
    public NativeRuntimeException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
