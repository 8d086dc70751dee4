using ModelGate.Core;
using ModelGate.Core.Forgetting;
using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Forgetting.Metrics;

namespace ModelGate.Forgetting;

/// <summary>
/// The gate's forgetting measurement: the policy's corpus and tasks through <see cref="ForgettingEvaluator"/>
/// (base, then base + the request's adapters merged in memory), the metrics the policy can limit handed back as
/// observations with their paired-bootstrap intervals (or why there is none) and minimum detectable effects.
/// </summary>
public sealed class ForgettingProbe(ForgettingEvaluator evaluator) : IForgettingProbe
{
    public async Task<IReadOnlyList<ForgettingObservation>> MeasureAsync(GateRequest request, ForgettingPolicy policy,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken) =>
        Observations(await evaluator.EvaluateAsync(Request(request, policy), progress, cancellationToken));

    /// <summary>The base scored once, then each alternative merged in its turn (what calibration over many adapters needs).</summary>
    public async Task<IReadOnlyList<IReadOnlyList<ForgettingObservation>>> MeasureEachAsync(GateRequest request, IReadOnlyList<IReadOnlyList<ResolvedModel>> alternatives,
        ForgettingPolicy policy, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alternatives);
        var reports = await evaluator.EvaluateEachAsync(Request(request, policy), [.. alternatives.Select(a => (IReadOnlyList<string>)[.. a.Select(m => m.LocalPath)])],
            progress, cancellationToken);
        return [.. reports.Select(Observations)];
    }

    /// <summary>The policy's corpus and tasks for the request's models: fetched entries from the cache, local files relative to the policy.</summary>
    private static ForgettingRequest Request(GateRequest request, ForgettingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policy);
        return new ForgettingRequest
        {
            BaseModel = request.BaseModel.LocalPath,
            Adapters = [.. request.Adapters.Select(a => a.LocalPath)],
            Corpus = policy.Corpus is { } corpus && request.FetchedData.GetValueOrDefault(corpus) is { } fetched
                ? fetched.Files[0]
                : ResolvePath(policy.Corpus, request.Policy.Source),
            Tasks = policy.Tasks.Select(t => request.FetchedData.ContainsKey(t) ? t : ResolveTask(t, request.Policy.Source)).ToArray(),
            FetchedTasks = request.FetchedData,
            Limit = policy.Limit,
            TextColumn = policy.TextColumn,
            Device = request.Device,
        };
    }

    /// <summary>The metrics of a forgetting report that a policy can limit, as the gate's rules read them.</summary>
    public static IReadOnlyList<ForgettingObservation> Observations(ForgettingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Metrics
            .Where(m => m.IsGated)
            .Select(m => new ForgettingObservation(m.Metric, m.Dataset, m.Base, m.Merged, m.Delta, m.CiLow, m.CiHigh)
            {
                IntervalUnavailable = m.IntervalUnavailable,
                MinimumDetectableEffect = m.MinimumDetectableEffect,
            })
            .ToArray();
    }

    /// <summary>A task entry with its file resolved as <see cref="ResolvePath"/> does (the NAME of <c>NAME=PATH</c> kept).</summary>
    public static string ResolveTask(string entry, string policySource)
    {
        var task = TaskReference.Parse(entry);
        var path = ResolvePath(task.Path, policySource)!;
        return task.Name is { } name ? $"{name}={path}" : path;
    }

    /// <summary>A relative path in a policy file is taken from the working folder, else from the policy file's folder.</summary>
    public static string? ResolvePath(string? path, string policySource)
    {
        if (path is null || Path.IsPathRooted(path) || File.Exists(path) || Directory.Exists(path) || !File.Exists(policySource))
        {
            return path;
        }

        var besidePolicy = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(policySource))!, path);
        return File.Exists(besidePolicy) || Directory.Exists(besidePolicy) ? besidePolicy : path;
    }
}
