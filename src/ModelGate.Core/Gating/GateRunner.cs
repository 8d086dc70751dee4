using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Lineage;
using ModelGate.Core.Provenance;
using ModelGate.Core.Spectral;
using ModelGate.Core.Spectral.Publishing;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Gating;

/// <summary>
/// The one entry point of the gate (CLI, MSBuild task and Action all call it): analyse the adapters against the base
/// (or take the analysis made elsewhere, <see cref="GateRequest.Analysis"/>), measure forgetting when the policy asks and a probe is
/// registered (or take the observations made elsewhere, <see cref="GateRequest.Forgetting"/>), evaluate every rule, decide, then hand the result to each of the request's sinks. Bad input is found before the analysis starts.
/// </summary>
public sealed class GateRunner(IIntruderAnalyzer analyzer, ILogger<GateRunner> logger, IForgettingProbe? forgettingProbe = null, SpectraManifestReader? manifests = null,
    ILineageAnalyzer? lineageAnalyzer = null, IRepairRecounter? repairRecounter = null)
{
    public async Task<GateResult> RunAsync(GateRequest request, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var timings = new List<(string, TimeSpan)>();
        var policy = request.Policy;
        var settings = request.AnalysisSettings;
        settings.Validate();
        if (request.Adapters.Count == 0)
        {
            throw new UserInputException(InputField.Adapter, "missing: the gate needs at least one");
        }

        if (policy.Forgetting.IsEnabled && request.Forgetting is null && forgettingProbe is null)
        {
            throw new UserInputException($"{policy.Source}: 'forgetting' names a corpus or tasks, but this build of ModelGate has no forgetting probe; remove them or use a build with the forgetting metrics");
        }

        if (request.Lineage.Count > 0 && policy.Intruders.LineageGrowth is null)
        {
            throw new UserInputException($"{policy.Source}: earlier releases were given for the lineage rule, but 'intruders.lineageGrowth' sets no level; set one or leave the earlier releases out");
        }

        if (request.Lineage.Count > 0 && lineageAnalyzer is null)
        {
            throw new UserInputException("earlier releases were given for the lineage rule, but this build of ModelGate has no lineage analyzer");
        }

        GateBaseline? baseline = null;
        if (policy.Baseline is { } baselinePath)
        {
            var phase = Stopwatch.StartNew();
            baseline = await GateBaselineLoader.LoadAsync(baselinePath, cancellationToken);
            timings.Add(("baseline", phase.Elapsed));
        }

        var provenance = InspectProvenance(request);

        // Hashing reads the weight files while the analysis computes; it only costs wall time on huge bases.
        var hashing = request.HashWeights ? HashAsync(request, cancellationToken) : null;

        // The analysis reads only the weights the adapters change; a gate must not pass a model with a NaN or an
        // infinity anywhere, so every tensor of the base and of the adapters is scanned once, alongside it.
        using var stopScan = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var scanning = Task.Run(() => CheckAllFiniteAsync(request, stopScan.Token), stopScan.Token);

        var analysisClock = Stopwatch.StartNew();
        IntruderReport analysis;
        try
        {
            analysis = request.Analysis
                ?? await Task.Run(() => analyzer.AnalyzeAdaptersAsync(request.BaseModel, request.Adapters, settings, request.Device, progress, cancellationToken), cancellationToken);
        }
        catch
        {
            // The analysis's error is the one reported; the scan is stopped, not left reading in the background.
            await stopScan.CancelAsync();
            await scanning.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        timings.Add(("analysis", analysisClock.Elapsed));
        await scanning;

        var forgetting = request.Forgetting ?? [];
        var skipped = request.Forgetting is null ? ForgettingSkipped(policy, analysis, baseline) : null;
        if (skipped is not null)
        {
            logger.LogInformation("forgetting not measured: {Reason}", skipped);
        }
        else if (request.Forgetting is null && policy.Forgetting.IsEnabled)
        {
            var phase = Stopwatch.StartNew();
            forgetting = await forgettingProbe!.MeasureAsync(request, policy.Forgetting, progress, cancellationToken);
            timings.Add(("forgetting", phase.Elapsed));
        }

        LineageReport? lineage = null;
        if (request.Lineage.Count > 0)
        {
            var phase = Stopwatch.StartNew();
            lineage = await lineageAnalyzer!.AnalyzeAsync(request.BaseModel, [.. request.Lineage, .. request.Adapters], settings, request.Device, progress, cancellationToken);
            timings.Add(("lineage", phase.Elapsed));
        }

        (ModelFingerprint Base, IReadOnlyList<ModelFingerprint> Adapters, TimeSpan Elapsed)? hashes = hashing is null ? null : await hashing;
        if (hashes is { } h)
        {
            timings.Add(("hashing", h.Elapsed));
        }

        var rules = GateRules.Evaluate(policy, analysis, baseline, forgetting, provenance, lineage);
        var sensitivity = ForgettingSensitivity.Warnings(policy.Forgetting, forgetting);
        foreach (var warning in sensitivity)
        {
            logger.LogWarning("forgetting data too small for the policy: {Warning}", warning);
        }

        var verdict = GateVerdict.From(rules, policy.FailOn, analysis.TotalIntruders);
        RepairAdvice? repair = null;
        if (request.AdviseRepair && !verdict.Allowed)
        {
            var phase = Stopwatch.StartNew();
            repair = await AdviseRepairAsync(request, baseline, rules, progress, cancellationToken);
            timings.Add(("repair recount", phase.Elapsed));
        }

        var result = new GateResult
        {
            Verdict = verdict,
            Analysis = analysis,
            Policy = policy,
            Baseline = baseline,
            Forgetting = forgetting,
            Provenance = provenance,
            Lineage = lineage,
            Repair = repair,
            Warnings = [.. Warnings(analysis, baseline, policy.Provenance.BaseMismatch is null ? [] : provenance), .. sensitivity, .. skipped is null ? [] : new[] { skipped }],
            Run = new GateRunInfo
            {
                Tool = $"ModelGate {ToolVersion.Current}",
                BaseModel = hashes is { } weights ? request.BaseModel with { ContentHash = weights.Base.Sha256 } : request.BaseModel,
                Adapters = hashes is { } all ? [.. request.Adapters.Zip(all.Adapters, (a, f) => a with { ContentHash = f.Sha256 })] : request.Adapters,
                Policy = policy.Source,
                StartedAt = startedAt,
                Elapsed = clock.Elapsed,
                Timings = timings,
                BaseFingerprint = hashes?.Base,
                AdapterFingerprints = hashes?.Adapters ?? [],
            },
        };
        logger.LogInformation("gate {Verdict}: {Total} intruders, {Failing} rules warn or fail", GateWords.Of(verdict.Status), analysis.TotalIntruders, rules.Count(r => r.Status > RuleStatus.Pass));

        foreach (var sink in request.Sinks)
        {
            await sink.WriteAsync(result, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Why the forgetting benchmark is not run on this analysis: the policy measures only when the intruder counts
    /// call for it (<see cref="ForgettingWhen.IntrudersAbove"/>) and no intruder rule warns or fails. Null: it runs (or
    /// there is nothing to measure).
    /// </summary>
    private static string? ForgettingSkipped(GatePolicy policy, IntruderReport analysis, GateBaseline? baseline)
    {
        if (!policy.Forgetting.IsEnabled || policy.Forgetting.When != ForgettingWhen.IntrudersAbove)
        {
            return null;
        }

        var counts = GateRules.Evaluate(policy, analysis, baseline, [])
            .Where(r => r.Id.StartsWith("intruders.", StringComparison.Ordinal))
            .ToArray();
        return counts.Any(r => r.Status > RuleStatus.Pass)
            ? null
            : $"forgetting rules skipped: forgetting.when is \"{GateWords.Of(ForgettingWhen.IntrudersAbove)}\" and no intruder count is above its warn or fail level ({analysis.TotalIntruders} in total), so the forgetting benchmark was not run";
    }

    /// <summary>
    /// Which repair would pass: when an intruder count rule blocked and there is one adapter, it is recounted after the
    /// exact repair at each <see cref="RepairAdvice.Lambdas"/> and the count rules evaluated again on each recount.
    /// Forgetting is not measured here, so no λ is said to pass it.
    /// </summary>
    private async Task<RepairAdvice> AdviseRepairAsync(GateRequest request, GateBaseline? baseline, IReadOnlyList<RuleResult> rules,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        var failOn = request.Policy.FailOn;
        var forgettingBlocked = rules.Any(r => GateVerdict.Blocks(r.Status, failOn) && r.Id.StartsWith("forgetting.", StringComparison.Ordinal));
        var countsBlocked = rules.Any(r => GateVerdict.Blocks(r.Status, failOn) && IsCountRule(r.Id));
        if (!countsBlocked || request.Adapters.Count != 1 || repairRecounter is null)
        {
            return new RepairAdvice { Recounts = [], ForgettingBlocked = forgettingBlocked };
        }

        var reports = await repairRecounter.RecountAsync(request.BaseModel.LocalPath, request.Adapters[0].LocalPath, RepairAdvice.Lambdas,
            request.AnalysisSettings, request.Device, progress, cancellationToken);
        var recounts = RepairAdvice.Lambdas.Zip(reports, (lambda, after) => new RepairRecount(lambda, after.TotalIntruders,
            !GateRules.Evaluate(request.Policy, after, baseline, []).Any(r => IsCountRule(r.Id) && GateVerdict.Blocks(r.Status, failOn)))).ToArray();
        return new RepairAdvice { Recounts = recounts, ForgettingBlocked = forgettingBlocked };
    }

    /// <summary>The rules a recount can answer: those on intruder counts of the adapter itself (not the lineage's).</summary>
    private static bool IsCountRule(string id) => id is RuleIds.Total or RuleIds.PerModule or RuleIds.PerLayer or RuleIds.Growth;

    /// <summary>Reads each adapter's config and factors (not the base's weights) to say where it came from, before the analysis.</summary>
    private static IReadOnlyList<AdapterProvenance> InspectProvenance(GateRequest request)
    {
        using var adapters = AdapterStack.Load([.. request.Adapters.Select(a => a.LocalPath)]);
        return [.. request.Adapters.Zip(adapters.Adapters, (model, adapter) => ProvenanceInspector.Inspect(request.BaseModel, model, adapter))];
    }

    private static async Task<(ModelFingerprint, IReadOnlyList<ModelFingerprint>, TimeSpan)> HashAsync(GateRequest request, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var clock = Stopwatch.StartNew();
        var baseFingerprint = await ModelFingerprint.ComputeAsync(request.BaseModel.LocalPath, cancellationToken);
        var adapters = new List<ModelFingerprint>();
        foreach (var a in request.Adapters)
        {
            adapters.Add(await ModelFingerprint.ComputeAsync(a.LocalPath, cancellationToken));
        }

        return (baseFingerprint, adapters, clock.Elapsed);
    }

    private async Task CheckAllFiniteAsync(GateRequest request, CancellationToken cancellationToken)
    {
        using (var baseWeights = await ModelWeights.OpenAsync(request.BaseModel.LocalPath, cancellationToken))
        {
            var scanned = await ScannedByPublisherAsync(request, baseWeights, cancellationToken);
            var skipped = await baseWeights.CheckAllFiniteAsync(scanned, cancellationToken);
            if (skipped.Count > 0)
            {
                logger.LogInformation("{Base}: {Skipped} of {Files} weight files were scanned for NaN and infinities when the spectra in {Spectra} were published (same length, header{Hash}); not fetched again",
                    request.BaseModel.Display, skipped.Count, baseWeights.ShardFiles.Count, request.AnalysisSettings.Spectra, skipped.All(s => s.Sha256 is not null) ? " and SHA-256" : "");
            }
        }

        foreach (var adapter in request.Adapters)
        {
            using var weights = SafetensorsFile.Open(Path.Combine(adapter.LocalPath, LoraAdapter.WeightsFileName));
            weights.CheckAllFinite(cancellationToken);
        }
    }

    /// <summary>
    /// For a streamed base, the files its published spectra's manifest records as scanned in full; scanning them here
    /// would fetch the whole base on every run, which streaming exists to avoid. A local base is always scanned.
    /// </summary>
    private async Task<Func<ShardIdentity, bool>> ScannedByPublisherAsync(GateRequest request, ModelWeights baseWeights, CancellationToken cancellationToken)
    {
        if (manifests is null || request.AnalysisSettings.Spectra is not { } spectra || StreamedFolders.SourceOf(baseWeights.Folder) is null)
        {
            return _ => false;
        }

        var (_, _, manifest) = await manifests.ReadAsync(spectra, cancellationToken);
        return manifest is null ? _ => false : manifest.Scanned;
    }

    private static IReadOnlyList<string> Warnings(IntruderReport analysis, GateBaseline? baseline, IReadOnlyList<AdapterProvenance> provenance)
    {
        var warnings = new List<string>(analysis.Warnings);
        // A base that cannot be told passes its rule; the reader is still told that nobody checked it.
        warnings.AddRange(provenance.Where(p => p.BaseMatch == BaseMatch.Unknown).Select(p => $"{p.Adapter}: {p.BaseFinding}"));
        if (baseline is not null && baseline.K != 0 && (baseline.K != analysis.K || Math.Abs(baseline.Epsilon - analysis.Epsilon) > 1e-12))
        {
            var inv = CultureInfo.InvariantCulture;
            warnings.Add($"the baseline {baseline.Path} was counted with k = {baseline.K.ToString(inv)}, ε = {baseline.Epsilon.ToString(inv)}; " +
                         $"this run uses k = {analysis.K.ToString(inv)}, ε = {analysis.Epsilon.ToString(inv)}, so growth compares different counts");
        }

        return warnings;
    }
}
