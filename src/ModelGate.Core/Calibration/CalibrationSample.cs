using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Calibration;

/// <summary>
/// One adapter as calibration sees it: its three intruder counts (what the gate's intruder rules read) and whether it
/// forgets. <see cref="Forgets"/> is the policy's own forgetting rule: true when any measured metric's rule FAILs, i.e.
/// its interval's lower end is above the fail level (<see cref="GateRules.Forgetting(ForgettingPolicy, IReadOnlyList{ForgettingObservation})"/>), so a calibrated count
/// predicts exactly what the forgetting benchmark would block.
/// </summary>
/// <param name="Adapter">How the adapter is named in the report.</param>
/// <param name="TotalIntruders">The sum over every analysed module (rule MG0001).</param>
/// <param name="MaxModuleIntruders">The most in one module (what a <c>perModule</c> entry matching every module reads, MG0002).</param>
/// <param name="MaxLayerIntruders">The most in one transformer block (MG0003); 0 when no module has a layer number.</param>
/// <param name="Metric">The plotted forgetting metric (the first measured one the policy sets a level for).</param>
/// <param name="Dataset">The corpus or task <paramref name="Metric"/> was measured on.</param>
/// <param name="Delta">The plotted metric's point estimate, larger is worse.</param>
/// <param name="Forgets">Whether any measured forgetting rule FAILs.</param>
public sealed record CalibrationSample(string Adapter, int TotalIntruders, int MaxModuleIntruders, int MaxLayerIntruders,
    string Metric, string Dataset, double Delta, bool Forgets)
{
    /// <summary>The plotted metric's interval; null when the measurement has none.</summary>
    public (double Low, double High)? Interval { get; init; }

    /// <summary>Reads one adapter's analysis and forgetting measurements against the policy's forgetting levels.</summary>
    public static CalibrationSample From(string adapter, IntruderReport analysis, IReadOnlyList<ForgettingObservation> forgetting, ForgettingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(forgetting);
        ArgumentNullException.ThrowIfNull(policy);
        var judged = forgetting.Where(o => policy.ThresholdFor(o.Metric)?.Fail is not null).ToArray();
        if (judged.Length == 0)
        {
            throw new UserInputException($"{adapter}: none of the forgetting metrics measured ({string.Join(", ", forgetting.Select(o => o.Metric).Distinct())}) has a fail level in the policy, so there is nothing to tell forgetting by; set one in the policy's 'forgetting' section");
        }

        var plotted = judged[0];
        var forgets = GateRules.Forgetting(policy, judged).Any(r => r.Status == RuleStatus.Fail);
        var layers = analysis.Layers.Where(l => l.Layer is not null).Select(l => l.Intruders).DefaultIfEmpty(0).Max();
        return new CalibrationSample(adapter, analysis.TotalIntruders, analysis.Modules.Select(m => m.Intruders).DefaultIfEmpty(0).Max(), layers,
            plotted.Metric, plotted.Dataset, plotted.Delta, forgets)
        {
            Interval = plotted.Interval,
        };
    }
}
