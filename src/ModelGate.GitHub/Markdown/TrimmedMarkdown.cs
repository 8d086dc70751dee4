namespace ModelGate.GitHub.Markdown;

/// <summary>Markdown cut to a budget, and whether anything was cut.</summary>
public sealed record TrimmedMarkdown(string Text, bool Truncated);
