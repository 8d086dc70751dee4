using System.Globalization;
using ModelGate.Core.Gating;
using ModelGate.Core.Spectral;
using Scriban.Runtime;

namespace ModelGate.Core.Reporting;

/// <summary>
/// What a report template sees (docs/reports.md lists every variable): the result turned into plain, pre-formatted
/// values (invariant culture, Markdown-safe table cells, Unicode bars, Mermaid series), so that templates hold layout only.
/// </summary>
public static class GateReportModel
{
    /// <summary>How many of the modules with the most intruders get their top-k max-cosines shown.</summary>
    public const int WorstModuleCount = 5;

    private const int BarWidth = 30;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static ScriptObject Build(GateResult result)
    {
        var analysis = result.Analysis;
        var verdict = result.Verdict;
        var model = new ScriptObject();

        var failing = verdict.Rules.Count(r => r.Status == RuleStatus.Fail);
        var warning = verdict.Rules.Count(r => r.Status == RuleStatus.Warn);
        model["verdict"] = new StrictScriptObject
        {
            ["status"] = GateWords.Of(verdict.Status),
            ["status_upper"] = GateWords.Of(verdict.Status).ToUpperInvariant(),
            ["icon"] = Icon(verdict.Status),
            ["allowed"] = verdict.Allowed,
            ["decision"] = verdict.Allowed ? "Release allowed" : "Release blocked",
            ["fail_on"] = GateWords.Of(verdict.FailOn),
            ["exit_code"] = verdict.ExitCode,
            ["failing_rules"] = failing,
            ["warning_rules"] = warning,
            ["headline"] = Headline(result, failing, warning),
        };

        model["summary"] = new StrictScriptObject
        {
            ["total_intruders"] = analysis.TotalIntruders,
            ["modules_analyzed"] = analysis.Modules.Count,
            ["modules_with_intruders"] = analysis.Modules.Count(m => m.Intruders > 0),
            ["k"] = analysis.K,
            ["epsilon"] = Number(analysis.Epsilon),
            ["method"] = analysis.Method,
            ["paths"] = analysis.Paths,
            ["device"] = analysis.Device,
            ["kind"] = analysis.Kind == ComparisonKind.Adapter ? "adapter" : "full-fine-tune",
        };

        var rules = verdict.Rules.Select(Rule).ToArray();
        model["rules"] = rules;
        model["failing_rules"] = verdict.Rules.Where(r => r.Status > RuleStatus.Pass).Select(Rule).ToArray();

        var moduleStatus = ModuleStatuses(verdict);
        var layers = analysis.Layers;
        var layerUnit = UnicodeBar.UnitFor(layers.Select(l => l.Intruders).DefaultIfEmpty(0).Max(), BarWidth);
        var layerStatus = verdict.Rules.Where(r => r.Id == RuleIds.PerLayer && r.Target is not null).ToDictionary(r => r.Target!, r => r.Status);
        model["layer_unit"] = layerUnit;
        var layerLines = BarLines(layers.Select(l => l.Layer is { } n ? $"layer {n.ToString(Inv)}" : "other").ToArray(), layers.Select(l => l.Intruders).ToArray(), layerUnit);
        model["layers"] = layers.Select((l, i) =>
        {
            var label = l.Layer is { } n ? n.ToString(Inv) : "—";
            var status = l.Layer is { } li && layerStatus.TryGetValue($"layer {li.ToString(Inv)}", out var s) ? s : RuleStatus.Pass;
            return new StrictScriptObject
            {
                ["layer"] = label,
                ["modules"] = l.Modules,
                ["intruders"] = l.Intruders,
                ["bar"] = UnicodeBar.Of(l.Intruders, layerUnit),
                ["line"] = layerLines[i],
                ["status"] = GateWords.Of(status),
                ["icon"] = Icon(status),
            };
        }).ToArray();
        model["layer_heat"] = LayerHeat(analysis);

        model["modules"] = analysis.Modules.Select(m => Module(m, analysis.Epsilon, moduleStatus)).ToArray();
        model["flagged_modules"] = analysis.Modules
            .Where(m => moduleStatus.TryGetValue(m.Name, out var s) && s > RuleStatus.Pass)
            .OrderByDescending(m => moduleStatus[m.Name]).ThenByDescending(m => m.Intruders).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => Module(m, analysis.Epsilon, moduleStatus)).ToArray();
        model["worst_modules"] = analysis.Modules.Where(m => m.Intruders > 0)
            .OrderByDescending(m => m.Intruders).ThenBy(m => m.MaxCosines.DefaultIfEmpty(1).Min()).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Take(WorstModuleCount)
            .Select(m => Module(m, analysis.Epsilon, moduleStatus)).ToArray();

        var sweepTotals = analysis.SweepTotals;
        var sweepUnit = UnicodeBar.UnitFor(sweepTotals.DefaultIfEmpty(0).Max(), BarWidth);
        model["sweep_unit"] = sweepUnit;
        var sweepLines = BarLines(EpsilonSweep.Thresholds.Select(e => $"ε {e.ToString("0.0", Inv)}").ToArray(), sweepTotals.ToArray(), sweepUnit);
        model["sweep"] = EpsilonSweep.Thresholds.Select((eps, i) => new StrictScriptObject
        {
            ["line"] = sweepLines[i] + (Math.Abs(eps - analysis.Epsilon) < 1e-9 ? "  ← ε of this gate" : ""),
            ["epsilon"] = eps.ToString("0.0", Inv),
            ["intruders"] = sweepTotals[i],
            ["bar"] = UnicodeBar.Of(sweepTotals[i], sweepUnit),
            ["is_current"] = Math.Abs(eps - analysis.Epsilon) < 1e-9,
        }).ToArray();

        var histogram = CosineHistogram(analysis);
        var histogramUnit = UnicodeBar.UnitFor(histogram.Select(h => h.Count).DefaultIfEmpty(0).Max(), BarWidth);
        model["cosine_unit"] = histogramUnit;
        var histogramLines = BarLines(histogram.Select(h => h.Label).ToArray(), histogram.Select(h => h.Count).ToArray(), histogramUnit);
        model["cosine_histogram"] = histogram.Select((h, i) => new StrictScriptObject
        {
            ["line"] = histogramLines[i] + (h.High <= analysis.Epsilon + 1e-9 ? "  below ε" : ""),
            ["range"] = h.Label,
            ["count"] = h.Count,
            ["bar"] = UnicodeBar.Of(h.Count, histogramUnit),
            ["below_epsilon"] = h.High <= analysis.Epsilon + 1e-9,
        }).ToArray();

        model["mermaid"] = new StrictScriptObject
        {
            ["layers_x"] = Series(layers.Select(l => Quote(l.Layer is { } n ? $"L{n.ToString(Inv)}" : "other"))),
            ["layers_y"] = Series(layers.Select(l => l.Intruders.ToString(Inv))),
            ["layers_max"] = Math.Max(1, layers.Select(l => l.Intruders).DefaultIfEmpty(0).Max()),
            ["sweep_x"] = Series(EpsilonSweep.Thresholds.Select(e => Quote(e.ToString("0.0", Inv)))),
            ["sweep_y"] = Series(sweepTotals.Select(t => t.ToString(Inv))),
            ["sweep_max"] = Math.Max(1, sweepTotals.DefaultIfEmpty(0).Max()),
            ["cosine_x"] = Series(histogram.Select(h => Quote(h.Label))),
            ["cosine_y"] = Series(histogram.Select(h => h.Count.ToString(Inv))),
            ["cosine_max"] = Math.Max(1, histogram.Select(h => h.Count).DefaultIfEmpty(0).Max()),
        };

        model["baseline"] = Baseline(result);
        model["forgetting"] = result.Forgetting.Select(o => Forgetting(o, result)).ToArray();
        model["has_forgetting"] = result.Forgetting.Count > 0;
        model["run"] = Run(result);
        model["policy"] = Policy(result.Policy);
        model["warnings"] = result.Warnings.Select(Cell).ToArray();
        return model;
    }

    /// <summary>Escapes what would break a Markdown table cell or start unintended formatting.</summary>
    public static string Cell(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
            .ReplaceLineEndings(" ");

    public static string Icon(RuleStatus status) => status switch
    {
        RuleStatus.Pass => "✅",
        RuleStatus.Warn => "⚠️",
        _ => "❌",
    };

    private static string Headline(GateResult result, int failing, int warning)
    {
        var a = result.Analysis;
        var parts = new List<string>();
        parts.Add(failing == 0 && warning == 0
            ? $"all {result.Verdict.Rules.Count} rules pass"
            : string.Join(", ", new[] { failing > 0 ? $"{failing} {(failing == 1 ? "rule fails" : "rules fail")}" : null, warning > 0 ? $"{warning} {(warning == 1 ? "rule warns" : "rules warn")}" : null }.Where(s => s is not null)));
        parts.Add($"{a.TotalIntruders} intruder dimension{(a.TotalIntruders == 1 ? "" : "s")} in {a.Modules.Count(m => m.Intruders > 0)} of {a.Modules.Count} modules (k = {a.K}, ε = {Number(a.Epsilon)})");
        if (result.Growth is { } g)
        {
            parts.Add($"{Signed(g)} against the baseline");
        }

        return string.Join("; ", parts);
    }

    private static StrictScriptObject Rule(RuleResult r) => new()
    {
        ["id"] = r.Id,
        ["code"] = r.Code,
        ["status"] = GateWords.Of(r.Status),
        ["icon"] = Icon(r.Status),
        ["observed"] = Number(r.Observed),
        ["warn"] = r.Warn is { } w ? Number(w) : "—",
        ["fail"] = r.Fail is { } f ? Number(f) : "—",
        ["target"] = r.Target is null ? "—" : Cell(r.Target),
        ["match"] = r.Match is null ? "" : Cell(r.Match),
        ["message"] = Cell(r.Message),
    };

    private static Dictionary<string, RuleStatus> ModuleStatuses(GateVerdict verdict)
    {
        var statuses = new Dictionary<string, RuleStatus>(StringComparer.Ordinal);
        foreach (var r in verdict.Rules.Where(r => r.Id == RuleIds.PerModule && r.Target is not null && r.Status > RuleStatus.Pass))
        {
            statuses[r.Target!] = statuses.TryGetValue(r.Target!, out var s) && s > r.Status ? s : r.Status;
        }

        return statuses;
    }

    private static StrictScriptObject Module(ModuleIntruders m, double epsilon, IReadOnlyDictionary<string, RuleStatus> statuses)
    {
        var status = statuses.TryGetValue(m.Name, out var s) ? s : RuleStatus.Pass;
        return new StrictScriptObject
        {
            ["name"] = Cell(m.Name),
            ["layer"] = m.Layer is { } l ? l.ToString(Inv) : "—",
            ["shape"] = string.Join("×", m.Shape),
            ["intruders"] = m.Intruders,
            ["status"] = GateWords.Of(status),
            ["icon"] = Icon(status),
            ["method"] = m.Method,
            ["min_cosine"] = m.MaxCosines.Count == 0 ? "—" : m.MaxCosines.Min().ToString("0.00", Inv),

            // Intruders (below ε) in bold: the eye finds them in a row of ten numbers.
            ["cosines"] = string.Join(" ", m.MaxCosines.Select(c => c < epsilon ? $"**{c.ToString("0.00", Inv)}**" : c.ToString("0.00", Inv))),
            ["cosines_plain"] = string.Join(" ", m.MaxCosines.Select(c => c.ToString("0.00", Inv))),
            ["ranks"] = m.MaxCosines.Select((c, i) => new StrictScriptObject
            {
                ["rank"] = i + 1,
                ["cosine"] = c.ToString("0.000", Inv),
                ["sigma"] = i < m.SingularValues.Count ? m.SingularValues[i].ToString("0.###", Inv) : "—",
                ["intruder"] = c < epsilon,
                ["bar"] = new string(UnicodeBar.Block, (int)Math.Round(Math.Clamp(c, 0, 1) * 20)),
            }).ToArray(),
        };
    }

    /// <summary>Rows of layers, columns of module kinds (q_proj, v_proj, ...), cells the intruder counts.</summary>
    private static StrictScriptObject LayerHeat(IntruderReport analysis)
    {
        var kinds = analysis.Modules.Select(m => KindOf(m.Name)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var rows = analysis.Modules.GroupBy(m => m.Layer).OrderBy(g => g.Key ?? int.MaxValue).Select(g =>
        {
            var byKind = g.GroupBy(m => KindOf(m.Name), StringComparer.Ordinal).ToDictionary(k => k.Key, k => k.Sum(m => m.Intruders), StringComparer.Ordinal);
            return new StrictScriptObject
            {
                ["layer"] = g.Key is { } n ? n.ToString(Inv) : "—",
                ["total"] = g.Sum(m => m.Intruders),
                ["cells"] = kinds.Select(k => byKind.TryGetValue(k, out var c) ? Heat(c) : "·").ToArray(),
                ["counts"] = kinds.Select(k => byKind.TryGetValue(k, out var c) ? c : -1).ToArray(),
            };
        }).ToArray();
        return new StrictScriptObject
        {
            ["columns"] = kinds.Select(Cell).ToArray(),
            ["rows"] = rows,
            ["header"] = "| Layer | " + string.Join(" | ", kinds.Select(k => $"`{Cell(k)}`")) + " | Σ |",
            ["separator"] = "|---:|" + string.Concat(kinds.Select(_ => ":---:|")) + "---:|",
        };
    }

    /// <summary>A count with a colour square, so the table reads as a heat map on GitHub (no colours in Markdown tables).</summary>
    public static string Heat(int count) => count switch
    {
        0 => "🟩 0",
        <= 2 => $"🟨 {count.ToString(Inv)}",
        <= 5 => $"🟧 {count.ToString(Inv)}",
        _ => $"🟥 {count.ToString(Inv)}",
    };

    /// <summary>The module's kind: the last name segment before <c>.weight</c> (q_proj, down_proj, c_attn, ...).</summary>
    public static string KindOf(string weightName)
    {
        var name = weightName.EndsWith(".weight", StringComparison.Ordinal) ? weightName[..^".weight".Length] : weightName;
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[(dot + 1)..];
    }

    /// <summary>How the top-k max-cosines of every module spread over [0, 1] in tenths.</summary>
    public static IReadOnlyList<(string Label, double Low, double High, int Count)> CosineHistogram(IntruderReport analysis)
    {
        var counts = new int[10];
        foreach (var c in analysis.Modules.SelectMany(m => m.MaxCosines))
        {
            counts[Math.Clamp((int)Math.Floor(c * 10), 0, 9)]++;
        }

        return counts.Select((n, i) => ($"{(i / 10.0).ToString("0.0", Inv)}–{((i + 1) / 10.0).ToString("0.0", Inv)}", i / 10.0, (i + 1) / 10.0, n)).ToArray();
    }

    private static object? Baseline(GateResult result)
    {
        if (result.Baseline is not { } b)
        {
            return null;
        }

        var now = result.Analysis.Modules.ToDictionary(m => m.Name, m => m.Intruders, StringComparer.Ordinal);
        var names = now.Keys.Union(b.Modules.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var changes = names
            .Select(n => (Name: n, Before: b.Modules.TryGetValue(n, out var x) ? x : (int?)null, Now: now.TryGetValue(n, out var y) ? y : (int?)null))
            .Where(c => (c.Before ?? 0) != (c.Now ?? 0))
            .Select(c => new StrictScriptObject
            {
                ["name"] = Cell(c.Name),
                ["before"] = c.Before is { } x ? x.ToString(Inv) : "—",
                ["now"] = c.Now is { } y ? y.ToString(Inv) : "—",
                ["delta"] = c.Before is { } bx && c.Now is { } ny ? Signed(ny - bx) : c.Now is null ? "not analysed now" : "new",
            }).ToArray();
        return new StrictScriptObject
        {
            ["path"] = Cell(b.Path),
            ["kind"] = b.Kind,
            ["verdict"] = b.Verdict is { } v ? GateWords.Of(v) : "—",
            ["total_intruders"] = b.TotalIntruders,
            ["growth"] = Signed(result.Growth!.Value),
            ["grew"] = result.Growth > 0,
            ["changes"] = changes,
            ["adapters"] = b.Adapters.Select(Cell).ToArray(),
        };
    }

    private static StrictScriptObject Forgetting(ForgettingObservation o, GateResult result)
    {
        var rule = result.Verdict.Rules.FirstOrDefault(r => r.Id == "forgetting." + o.Metric && r.Target == $"{o.Metric} on {o.Dataset}");
        var status = rule?.Status ?? RuleStatus.Pass;
        return new StrictScriptObject
        {
            ["metric"] = o.Metric,
            ["dataset"] = Cell(o.Dataset),
            ["base"] = Number(o.Base),
            ["merged"] = Number(o.Merged),
            ["delta"] = Signed(o.Delta),
            ["interval"] = o.Interval is { } ci ? $"[{Number(ci.Low)}, {Number(ci.High)}]" : $"unavailable ({o.NoIntervalReason})",
            ["status"] = GateWords.Of(status),
            ["icon"] = rule is null ? "·" : Icon(status),
            ["limit"] = rule?.Fail is { } f ? Number(f) : "—",
        };
    }

    private static StrictScriptObject Run(GateResult result)
    {
        var run = result.Run;
        return new StrictScriptObject
        {
            ["tool"] = run.Tool,
            ["base"] = Cell(run.BaseModel.Display),
            ["base_revision"] = run.BaseModel.PinnedRevision is { } baseRevision ? Cell(baseRevision) : "",
            ["base_sha256"] = run.BaseModel.ContentHash ?? "—",
            ["base_short_sha256"] = Short(run.BaseModel.ContentHash),
            ["adapters"] = run.Adapters.Select(a => new StrictScriptObject
            {
                ["path"] = Cell(a.Display),
                ["revision"] = a.PinnedRevision is { } revision ? Cell(revision) : "",
                ["sha256"] = a.ContentHash ?? "—",
                ["short_sha256"] = Short(a.ContentHash),
            }).ToArray(),
            ["policy"] = Cell(run.Policy),
            ["started_at"] = run.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Inv),
            ["seconds"] = run.Elapsed.TotalSeconds.ToString("0.00", Inv),
            ["timings"] = run.Timings.Select(t => new StrictScriptObject { ["phase"] = t.Phase, ["seconds"] = t.Elapsed.TotalSeconds.ToString("0.00", Inv) }).ToArray(),
            ["device"] = result.Analysis.Device,
            ["method"] = result.Analysis.Method,
            ["paths"] = result.Analysis.Paths,
        };
    }

    private static StrictScriptObject Policy(GatePolicy p) => new()
    {
        ["source"] = Cell(p.Source),
        ["fail_on"] = GateWords.Of(p.FailOn),
        ["k"] = p.Analysis.K,
        ["epsilon"] = Number(p.Analysis.Epsilon),
    };

    /// <summary>"label  ████  n" lines with labels and bars padded to a common width, for a monospace code block.</summary>
    public static IReadOnlyList<string> BarLines(IReadOnlyList<string> labels, IReadOnlyList<int> values, int unit)
    {
        var labelWidth = labels.Select(l => l.Length).DefaultIfEmpty(0).Max();
        var bars = values.Select(v => UnicodeBar.Of(v, unit)).ToArray();
        var barWidth = bars.Select(b => b.Length).DefaultIfEmpty(0).Max();
        return labels.Select((l, i) => $"{l.PadRight(labelWidth)}  {bars[i].PadRight(barWidth)}  {values[i].ToString(Inv)}").ToArray();
    }

    private static string Short(string? sha) => sha is null ? "—" : sha[..Math.Min(12, sha.Length)];

    private static string Series(IEnumerable<string> items) => "[" + string.Join(", ", items) + "]";

    private static string Quote(string s) => "\"" + s.Replace("\"", "'", StringComparison.Ordinal) + "\"";

    private static string Number(double v) => v.ToString("0.####", Inv);

    private static string Signed(double v) => v > 0 ? "+" + Number(v) : Number(v);
}
