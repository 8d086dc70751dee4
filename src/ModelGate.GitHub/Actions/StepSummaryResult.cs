namespace ModelGate.GitHub.Actions;

/// <summary>How much went into the job summary, and whether the report had to be cut to fit.</summary>
public sealed record StepSummaryResult(int BytesWritten, bool Truncated);
