namespace ModelGate.Demo.Study;

/// <summary>One of the paper's findings checked on the study's numbers: reproduced, not reproduced, or not measured (null) by this grid.</summary>
public sealed record StudyFinding(string Claim, bool? Reproduced, string Evidence);
