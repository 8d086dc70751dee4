namespace ModelGate.Core.Gating;

/// <summary>One <c>intruders.perModule</c> entry: the limit on each single module whose name <see cref="Match"/> matches.</summary>
public sealed record ModuleThreshold(ModulePattern Match, Threshold Threshold);
