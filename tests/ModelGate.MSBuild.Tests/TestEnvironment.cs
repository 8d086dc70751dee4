using System.Runtime.CompilerServices;
using ModelGate.Testing;

namespace ModelGate.MSBuild.Tests;

internal static class TestEnvironment
{
    // Child builds inherit it, so the gate they run fills this run's cache, not the user's.
    [ModuleInitializer]
    internal static void Initialize() => TestCache.UseForThisProcess();
}
