using System.Runtime.CompilerServices;
using ModelGate.Testing;

namespace ModelGate.Torch.Tests;

internal static class TestEnvironment
{
    [ModuleInitializer]
    internal static void Initialize() => TestCache.UseForThisProcess();
}
