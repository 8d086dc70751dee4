namespace ModelGate.GitHub;

/// <summary>One rule's result as a workflow annotation: `::error title=MG0001 intruders.total::6 intruder dimensions…`.</summary>
public sealed record RuleAnnotation(AnnotationLevel Level, string Code, string Title, string Message);
