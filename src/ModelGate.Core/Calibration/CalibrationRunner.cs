using Microsoft.Extensions.Logging;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Calibration;

/// <summary>
/// Measures every adapter of a <see cref="CalibrationRequest"/> the way the gate does (intruder counts, then the
/// forgetting benchmark of the policy's corpus and tasks), then fits the levels (<see cref="ThresholdCalibration"/>).
/// The base's spectra are computed once: the analyzer's spectrum cache serves every adapter after the first.
/// </summary>
public sealed class CalibrationRunner(IIntruderAnalyzer analyzer, ILogger<CalibrationRunner> logger, IForgettingProbe? forgettingProbe = null)
{
    public async Task<CalibrationResult> RunAsync(CalibrationRequest request, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.AnalysisSettings.Validate();
        if (request.Adapters.Count == 0)
        {
            throw new UserInputException(InputField.Adapter, "missing: calibration needs adapters to measure");
        }

        if (!request.Policy.Forgetting.IsEnabled)
        {
            throw new UserInputException("calibration needs a held-out corpus or tasks to measure forgetting on");
        }

        if (forgettingProbe is null)
        {
            throw new UserInputException("calibration measures forgetting, but this build of ModelGate has no forgetting probe; use a build with the forgetting metrics");
        }

        var analyses = new List<IntruderReport>(request.Adapters.Count);
        foreach (var adapter in request.Adapters)
        {
            cancellationToken.ThrowIfCancellationRequested();
            analyses.Add(await Task.Run(() => analyzer.AnalyzeAdaptersAsync(request.BaseModel, [adapter], request.AnalysisSettings, request.Device, progress, cancellationToken), cancellationToken));
        }

        // The base is scored once for all of them; each adapter is merged and scored in its turn.
        var gate = new GateRequest { BaseModel = request.BaseModel, Adapters = [], Policy = request.Policy, Device = request.Device, FetchedData = request.FetchedData };
        var forgetting = await forgettingProbe.MeasureEachAsync(gate, [.. request.Adapters.Select(a => (IReadOnlyList<ResolvedModel>)[a])], request.Policy.Forgetting, progress, cancellationToken);
        var samples = new List<CalibrationSample>(request.Adapters.Count);
        for (var i = 0; i < request.Adapters.Count; i++)
        {
            var adapter = request.Adapters[i];
            var sample = CalibrationSample.From(adapter.Display, analyses[i], forgetting[i], request.Policy.Forgetting);
            logger.LogInformation("{Adapter}: {Total} intruders, {Metric} {Delta}, forgets: {Forgets}", adapter.Display, sample.TotalIntruders, sample.Metric, sample.Delta, sample.Forgets);
            samples.Add(sample);
        }

        return ThresholdCalibration.Fit(samples, request.Policy.Forgetting);
    }
}
