namespace ModelGate.Core.Reporting.ModelCards;

/// <summary>One entry of a model-index result's <c>metrics</c>: a metric id (perplexity, acc), its value and a readable name.</summary>
public sealed record ModelCardMetric(string Type, double Value, string Name);
