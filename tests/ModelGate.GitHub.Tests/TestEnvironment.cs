using System.Runtime.CompilerServices;
using ModelGate.Testing;

namespace ModelGate.GitHub.Tests;

internal static class TestEnvironment
{
    [ModuleInitializer]
    internal static void Initialize() => TestCache.UseForThisProcess();
}
