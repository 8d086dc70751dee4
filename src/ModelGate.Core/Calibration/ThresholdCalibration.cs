using ModelGate.Core.Errors;
using ModelGate.Core.Gating;

namespace ModelGate.Core.Calibration;

/// <summary>
/// Fits the intruder levels that best predict forgetting on a set of measured adapters (<see cref="DecisionStump"/>
/// for each count), and writes them into a policy that measures forgetting only when a count is above its level.
/// </summary>
public static class ThresholdCalibration
{
    /// <summary>Below this many adapters the report warns that the levels rest on too little.</summary>
    public const int FewAdapters = 5;

    public static CalibrationResult Fit(IReadOnlyList<CalibrationSample> samples, ForgettingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(policy);
        if (samples.Count == 0)
        {
            throw new UserInputException(InputField.Adapter, "missing: calibration needs measured adapters");
        }

        var forgets = samples.Select(s => s.Forgets).ToArray();
        var warnings = new List<string>();
        if (samples.Count < FewAdapters)
        {
            warnings.Add($"only {samples.Count} adapter{(samples.Count == 1 ? "" : "s")}: levels fitted on fewer than {FewAdapters} say little about the next release; calibrate on more (20 or more for a narrow correlation interval)");
        }

        FittedThreshold total, perModule, perLayer;
        if (forgets.All(f => f) || !forgets.Any(f => f))
        {
            var which = forgets[0] ? "every adapter forgets" : "no adapter forgets";
            var reason = $"{which} (by the policy's forgetting rules), so no count can tell them apart";
            warnings.Add($"no levels fitted: {reason}; the calibrated policy keeps the intruder levels it started from. Calibrate on adapters on both sides");
            var passed = forgets.Count(f => f);
            total = perModule = perLayer = new FittedThreshold(null, passed, 0) { Reason = reason };
        }
        else
        {
            total = DecisionStump.Fit([.. samples.Select(s => s.TotalIntruders)], forgets);
            perModule = DecisionStump.Fit([.. samples.Select(s => s.MaxModuleIntruders)], forgets);
            perLayer = DecisionStump.Fit([.. samples.Select(s => s.MaxLayerIntruders)], forgets);
        }

        bool Flagged(CalibrationSample s) =>
            Above(s.TotalIntruders, total) || Above(s.MaxModuleIntruders, perModule) || Above(s.MaxLayerIntruders, perLayer);
        var combined = new FittedThreshold(null, samples.Count(s => s.Forgets && !Flagged(s)), samples.Count(s => !s.Forgets && Flagged(s)));
        return new CalibrationResult
        {
            Samples = samples,
            Total = total,
            PerModule = perModule,
            PerLayer = perLayer,
            Combined = combined,
            Correlation = RankCorrelation.Spearman([.. samples.Select(s => (double)s.TotalIntruders)], [.. samples.Select(s => s.Delta)]),
            FailLevel = policy.ThresholdFor(samples[0].Metric)?.Fail ?? 0,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// <paramref name="start"/> with the fitted levels as the intruder rules' warn levels (no fail level: the count
    /// decides whether to measure, the forgetting rules decide the verdict) and <see cref="ForgettingWhen.IntrudersAbove"/>.
    /// A count with no fitted level gets no rule (calibration found it predicts nothing); per-module becomes one entry
    /// matching every module; growth and everything else is kept. When no level was fitted at all, the intruder rules and
    /// the switch are kept as they were.
    /// </summary>
    public static GatePolicy Apply(GatePolicy start, CalibrationResult result, string? corpus, IReadOnlyList<string> tasks)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(result);
        var forgetting = start.Forgetting with { Corpus = corpus, Tasks = tasks };
        if (!result.AnyFitted)
        {
            return start with { Forgetting = forgetting };
        }

        return start with
        {
            Intruders = start.Intruders with
            {
                Total = WarnAbove(result.Total),
                PerModule = result.PerModule.Level is { } m ? [new ModuleThreshold(ModulePattern.Parse("*", "calibration"), new Threshold(m, null))] : [],
                PerLayer = WarnAbove(result.PerLayer),
            },
            Forgetting = forgetting with { When = ForgettingWhen.IntrudersAbove },
        };
    }

    private static Threshold? WarnAbove(FittedThreshold fit) => fit.Level is { } level ? new Threshold(level, null) : null;

    private static bool Above(int count, FittedThreshold fit) => fit.Level is { } level && count > level;
}
