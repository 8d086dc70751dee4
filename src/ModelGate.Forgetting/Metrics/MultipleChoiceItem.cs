namespace ModelGate.Forgetting.Metrics;

/// <summary>One question: the context, the candidate continuations, and the index of the right one.</summary>
public sealed record MultipleChoiceItem(string Context, IReadOnlyList<string> Choices, int Label)
{
    /// <summary>
    /// lm-eval's partial evaluation (winogrande): when set, each choice is a context of its own and this one
    /// continuation follows each of them; <see cref="Context"/> is then unused. acc_norm still divides by the choice's length.
    /// </summary>
    public string? SharedContinuation { get; init; }

    /// <summary>What is scored per choice: the log-likelihood of the continuation (the target delimiter goes before it) given the context.</summary>
    public IEnumerable<(string Context, string Continuation)> Requests =>
        SharedContinuation is { } shared ? Choices.Select(c => (c, shared)) : Choices.Select(c => (Context, c));
}
