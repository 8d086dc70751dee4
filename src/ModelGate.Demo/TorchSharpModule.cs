using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ModelGate.Torch.Runtime;

namespace ModelGate.Demo;

/// <summary>This assembly calls TorchSharp: before any of its code runs, TorchSharp's native library is set to load itself on first use.</summary>
internal static class TorchSharpModule
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "A library's module initializer is the point: no caller can forget it, and it only subscribes an event.")]
    internal static void Initialize() => TorchRuntime.LoadOnFirstUse();
}
