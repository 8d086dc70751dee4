namespace ModelGate.Core.Tests.Fuzzing;

/// <summary>The oracle's answer for one input.</summary>
internal enum FuzzVerdict
{
    /// <summary>The parser took the input.</summary>
    Accepted,

    /// <summary>A user error (exit 2) whose message names the file.</summary>
    Rejected,

    /// <summary>Anything else: another exception (exit 3), a user error that does not name the file, a hang, or an allocation blow-up.</summary>
    Crash,
}
