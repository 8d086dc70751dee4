using System.Globalization;
using System.Text;
using ModelGate.Core.Gating;

namespace ModelGate.Core.Reporting.ModelCards;

/// <summary>What a gate run writes into a model card: the model-index results and the Markdown section's text.</summary>
/// <param name="ModelName">The model-index entry's name: the adapter as given.</param>
/// <param name="Results">The model-index results, marked as ModelGate's.</param>
/// <param name="Markdown">The section between the card's ModelGate markers.</param>
public sealed record ModelCardResults(string ModelName, IReadOnlyList<ModelCardResult> Results, string Markdown)
{
    public const string SourceUrl = "https://github.com/modelgate/modelgate";

    /// <summary>The intruder total and every forgetting measurement of <paramref name="result"/>, for its last adapter (the one released).</summary>
    public static ModelCardResults From(GateResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var adapter = result.Run.Adapters[^1].Display;
        var baseModel = result.Run.BaseModel.Display;
        var results = new List<ModelCardResult>
        {
            new("intruder-dimensions", $"Intruder dimensions against {baseModel}", "model-weights", baseModel, result.Run.BaseModel.PinnedRevision,
                [new ModelCardMetric("intruder_dimensions", result.Verdict.TotalIntruders, "Intruder dimensions (total)")]),
        };
        results.AddRange(result.Forgetting.GroupBy(o => o.Dataset, StringComparer.Ordinal).Select(dataset =>
            new ModelCardResult("forgetting", $"Forgetting on {dataset.Key}", dataset.Key, dataset.Key, null,
                [.. dataset.SelectMany(o => new[]
                {
                    new ModelCardMetric($"{o.Metric}_base", o.Base, $"{ForgettingMetricText.Label(o.Metric)} (base)"),
                    new ModelCardMetric($"{o.Metric}_merged", o.Merged, $"{ForgettingMetricText.Label(o.Metric)} (merged)"),
                    new ModelCardMetric($"{o.Metric}_delta", o.Delta, $"{ForgettingMetricText.Label(o.Metric)} (delta, larger is worse)"),
                }).Where(m => double.IsFinite(m.Value))])));
        return new ModelCardResults(adapter, results, Section(result, adapter, baseModel));
    }

    private static string Section(GateResult result, string adapter, string baseModel)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"## Release gate ({result.Run.Tool})\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Verdict: **{GateWords.Of(result.Verdict.Status).ToUpperInvariant()}** for `{adapter}` on `{baseModel}`: ");
        text.Append(CultureInfo.InvariantCulture, $"{result.Verdict.TotalIntruders} intruder dimensions; ");
        text.Append(CultureInfo.InvariantCulture, $"{result.Verdict.Rules.Count(r => r.Status == RuleStatus.Fail)} rules failed, {result.Verdict.Rules.Count(r => r.Status == RuleStatus.Warn)} warned, {result.Verdict.Rules.Count(r => r.Status == RuleStatus.Pass)} passed.\n");
        if (result.Forgetting.Count > 0)
        {
            text.Append("\n| Dataset | Metric | Base | Merged | Δ | 95 % CI |\n|---|---|---:|---:|---:|---|\n");
            foreach (var o in result.Forgetting)
            {
                var interval = o.Interval is { } ci ? $"[{ForgettingMetricText.Delta(o.Metric, ci.Low)}, {ForgettingMetricText.Delta(o.Metric, ci.High)}]" : "–";
                text.Append(CultureInfo.InvariantCulture,
                    $"| {o.Dataset} | {ForgettingMetricText.Label(o.Metric)} | {ForgettingMetricText.Value(o.Base)} | {ForgettingMetricText.Value(o.Merged)} | {ForgettingMetricText.Delta(o.Metric, o.Delta)} | {interval} |\n");
            }
        }

        return text.ToString();
    }
}
