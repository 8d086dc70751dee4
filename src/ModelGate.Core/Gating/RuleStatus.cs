namespace ModelGate.Core.Gating;

/// <summary>The outcome of one rule, ordered so that the worst of several is their maximum.</summary>
public enum RuleStatus
{
    Pass = 0,
    Warn = 1,
    Fail = 2,
}
