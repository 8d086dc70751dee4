namespace ModelGate.Core.Gating;

/// <summary>One λ of a recount: the repaired adapter's intruders and whether the policy's intruder rules pass on them.</summary>
public sealed record RepairRecount(double Lambda, int Intruders, bool IntruderRulesPass);
