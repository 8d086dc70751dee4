using System.Runtime.InteropServices;

namespace ModelGate.Cli.Tests;

/// <summary>kill(2) from libc, for sending a child process the signal a terminal sends.</summary>
internal static partial class NativeSignals
{
    public const int SigInt = 2;

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int signal);
}
