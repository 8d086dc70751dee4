namespace ModelGate.Core.Gating;

/// <summary>Which verdict blocks the release (exit code 1): a fail (default), also a warn, or never (report only).</summary>
public enum FailOn
{
    Fail = 0,
    Warn = 1,
    Never = 2,
}
