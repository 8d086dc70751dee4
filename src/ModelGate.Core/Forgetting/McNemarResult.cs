namespace ModelGate.Core.Forgetting;

/// <summary>
/// The paired exact McNemar test of a multiple-choice accuracy change: only the items on which the two models
/// disagree carry information. <see cref="B"/> items the base got right and the merged model wrong,
/// <see cref="C"/> the reverse; <see cref="P"/> is the two-sided exact binomial p-value of b against b + c at ½.
/// </summary>
public sealed record McNemarResult(int B, int C, double P);
