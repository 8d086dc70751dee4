namespace ModelGate.Forgetting.Metrics;

/// <summary>One question: the context, the candidate continuations, and the index of the right one.</summary>
public sealed record MultipleChoiceItem(string Context, IReadOnlyList<string> Choices, int Label);
