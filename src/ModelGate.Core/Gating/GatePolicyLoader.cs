using System.Globalization;
using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Gating;

/// <summary>
/// Reads policy files. A file is laid over the built-in default (<c>Gating/default-policy.json</c>, embedded): keys
/// it gives replace the default's, keys it leaves out keep them, <c>null</c> turns a rule off, arrays replace whole.
/// Every key is checked: an unknown key or a bad value is a one-line <see cref="UserInputException"/> naming the
/// file and the key's JSON path (e.g. <c>policy.json: unknown key 'intruders.perModul'</c>).
/// </summary>
public static class GatePolicyLoader
{
    public const string DefaultSource = "built-in default";
    private const string DefaultResource = "ModelGate.Core.Gating.default-policy.json";

    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly Lazy<GatePolicy> DefaultPolicy = new(() => Parse(DefaultJson(), DefaultSource, new GatePolicy()) with { Source = DefaultSource });

    /// <summary>
    /// The policy the gate uses when none is given: the embedded default. Its intruder levels are checked against the
    /// study in docs/study/study.md (the <c>study</c> verb): runs that raised held-out perplexity above the forgetting
    /// fail level against those that did not; docs/policy.md says how.
    /// </summary>
    public static GatePolicy Default => DefaultPolicy.Value;

    /// <summary>The embedded default policy's text (what <c>gate --print-default-policy</c> would show).</summary>
    public static string DefaultJson()
    {
        using var stream = typeof(GatePolicyLoader).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"embedded resource {DefaultResource} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Reads <paramref name="path"/> and lays it over the default; a relative <c>baseline</c> is taken from the file's folder.</summary>
    public static GatePolicy LoadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"{path}: policy file not found");
        }

        var policy = Parse(BoundedFile.ReadAllText(path, BoundedFile.ConfigLimit, "policy file"), path, Default);
        if (policy.Baseline is { } b && !Path.IsPathRooted(b))
        {
            policy = policy with { Baseline = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, b)) };
        }

        return policy with { Source = path };
    }

    /// <summary>Lays the policy text <paramref name="json"/> over <paramref name="over"/>; <paramref name="source"/> names it in errors.</summary>
    public static GatePolicy Parse(string json, string source, GatePolicy over)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{source}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)})");
        }

        using (document)
        {
            if (JsonStrings.FindUnreadable(document.RootElement) is { } unreadable)
            {
                throw new UserInputException($"{source}: {JsonStrings.Describe(unreadable)}");
            }

            var reader = new Reader(source);
            return reader.Policy(document.RootElement, over);
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }

    /// <summary>Walks the document with the path of the current key, so every error can name it.</summary>
    private sealed class Reader(string source)
    {
        public GatePolicy Policy(JsonElement root, GatePolicy over)
        {
            var policy = over;
            foreach (var p in Properties(root, "", "the policy"))
            {
                policy = p.Name switch
                {
                    "$schema" => policy,
                    "analysis" => policy with { Analysis = Analysis(p.Value, "analysis", policy.Analysis) },
                    "failOn" => policy with { FailOn = FailOnLevel(p.Value, "failOn") },
                    "intruders" => policy with { Intruders = Intruders(p.Value, "intruders", policy.Intruders) },
                    "baseline" => policy with { Baseline = OptionalString(p.Value, "baseline") },
                    "forgetting" => policy with { Forgetting = Forgetting(p.Value, "forgetting", policy.Forgetting) },
                    "provenance" => policy with { Provenance = Provenance(p.Value, "provenance", policy.Provenance) },
                    _ => throw Unknown(p.Name, ""),
                };
            }

            return policy;
        }

        private AnalysisPolicy Analysis(JsonElement e, string path, AnalysisPolicy over)
        {
            var a = over;
            foreach (var p in Properties(e, path, "an object"))
            {
                var at = Join(path, p.Name);
                a = p.Name switch
                {
                    "k" => a with { K = PositiveInteger(p.Value, at) },
                    "epsilon" => a with { Epsilon = Epsilon(p.Value, at) },
                    "method" => a with { Method = Method(p.Value, at) },
                    "modules" => a with { Modules = Regex(OptionalString(p.Value, at), at) },
                    _ => throw Unknown(p.Name, path),
                };
            }

            return a;
        }

        private IntruderPolicy Intruders(JsonElement e, string path, IntruderPolicy over)
        {
            var i = over;
            foreach (var p in Properties(e, path, "an object"))
            {
                var at = Join(path, p.Name);
                i = p.Name switch
                {
                    "total" => i with { Total = OptionalThreshold(p.Value, at) },
                    "perModule" => i with { PerModule = PerModule(p.Value, at) },
                    "perLayer" => i with { PerLayer = OptionalThreshold(p.Value, at) },
                    "growth" => i with { Growth = OptionalThreshold(p.Value, at) },
                    "lineageGrowth" => i with { LineageGrowth = OptionalThreshold(p.Value, at) },
                    _ => throw Unknown(p.Name, path),
                };
            }

            return i;
        }

        private IReadOnlyList<ModuleThreshold> PerModule(JsonElement e, string path)
        {
            if (e.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            if (e.ValueKind != JsonValueKind.Array)
            {
                throw Bad(path, "must be an array of { \"match\": ..., \"warn\": ..., \"fail\": ... }", e);
            }

            var entries = new List<ModuleThreshold>();
            var index = 0;
            foreach (var item in e.EnumerateArray())
            {
                var at = $"{path}[{index++}]";
                string? match = null;
                double? warn = null, fail = null;
                foreach (var p in Properties(item, at, "an object"))
                {
                    var key = Join(at, p.Name);
                    switch (p.Name)
                    {
                        case "match":
                            match = RequiredString(p.Value, key);
                            break;
                        case "warn":
                            warn = Level(p.Value, key);
                            break;
                        case "fail":
                            fail = Level(p.Value, key);
                            break;
                        default:
                            throw Unknown(p.Name, at);
                    }
                }

                if (match is null)
                {
                    throw new UserInputException($"{source}: '{at}' needs a 'match' (a glob such as \"*.q_proj\", or \"regex:...\")");
                }

                ModulePattern pattern;
                try
                {
                    pattern = ModulePattern.Parse(match, $"{source}: '{at}.match'");
                }
                catch (ArgumentException ex)
                {
                    throw new UserInputException($"{source}: '{at}.match' is not a valid regular expression: {ex.Message.ReplaceLineEndings(" ")}");
                }

                entries.Add(new ModuleThreshold(pattern, Checked(new Threshold(warn, fail), at)));
            }

            return entries;
        }

        private ForgettingPolicy Forgetting(JsonElement e, string path, ForgettingPolicy over)
        {
            var f = over;
            foreach (var p in Properties(e, path, "an object"))
            {
                var at = Join(path, p.Name);
                f = p.Name switch
                {
                    "corpus" => f with { Corpus = OptionalString(p.Value, at) },
                    "tasks" => f with { Tasks = Strings(p.Value, at) },
                    "when" => f with { When = When(p.Value, at) },
                    "limit" => f with { Limit = p.Value.ValueKind == JsonValueKind.Null ? null : PositiveInteger(p.Value, at) },
                    "textColumn" => f with { TextColumn = OptionalString(p.Value, at) is { Length: > 0 } column ? column : throw Bad(at, "must be a column name", p.Value) },
                    ForgettingMetric.PerplexityIncreasePct => f with { PerplexityIncreasePct = OptionalThreshold(p.Value, at) },
                    ForgettingMetric.PseudoLossIncrease => f with { PseudoLossIncrease = OptionalThreshold(p.Value, at) },
                    ForgettingMetric.AccuracyDropPts => f with { AccuracyDropPts = OptionalThreshold(p.Value, at) },
                    _ => throw Unknown(p.Name, path),
                };
            }

            return f;
        }

        private ForgettingWhen When(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.String && GateWords.TryParseForgettingWhen(e.GetString(), out var w)
                ? w
                : throw Bad(path, $"must be one of {string.Join(", ", GateWords.ForgettingWhenChoices)}", e);

        private ProvenancePolicy Provenance(JsonElement e, string path, ProvenancePolicy over)
        {
            var v = over;
            foreach (var p in Properties(e, path, "an object"))
            {
                var at = Join(path, p.Name);
                v = p.Name switch
                {
                    "baseMismatch" => v with { BaseMismatch = FindingLevel(p.Value, at) },
                    "zeroUpdate" => v with { ZeroUpdate = FindingLevel(p.Value, at) },
                    _ => throw Unknown(p.Name, path),
                };
            }

            return v;
        }

        /// <summary>"warn" or "fail": the status a finding gets; null turns the rule off.</summary>
        private RuleStatus? FindingLevel(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.Null ? null
            : e.ValueKind == JsonValueKind.String && GateWords.TryParseStatus(e.GetString(), out var s) && s > RuleStatus.Pass ? s
            : throw Bad(path, "must be \"warn\", \"fail\" or null", e);

        /// <summary>A number (the fail level), <c>{ "warn": x, "fail": y }</c> (either may be left out), or null (rule off).</summary>
        private Threshold? OptionalThreshold(JsonElement e, string path)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Null:
                    return null;
                case JsonValueKind.Number:
                    return Threshold.FailAbove(Level(e, path));
                case JsonValueKind.Object:
                    double? warn = null, fail = null;
                    foreach (var p in Properties(e, path, "an object"))
                    {
                        var at = Join(path, p.Name);
                        switch (p.Name)
                        {
                            case "warn":
                                warn = p.Value.ValueKind == JsonValueKind.Null ? null : Level(p.Value, at);
                                break;
                            case "fail":
                                fail = p.Value.ValueKind == JsonValueKind.Null ? null : Level(p.Value, at);
                                break;
                            default:
                                throw Unknown(p.Name, path);
                        }
                    }

                    return Checked(new Threshold(warn, fail), path);
                default:
                    throw Bad(path, "must be a number (the fail level), { \"warn\": x, \"fail\": y } or null", e);
            }
        }

        private Threshold Checked(Threshold t, string path)
        {
            if (t.Warn is { } w && t.Fail is { } f && w > f)
            {
                throw new UserInputException($"{source}: '{path}': warn ({Format(w)}) is above fail ({Format(f)}), so it could never warn");
            }

            return t;
        }

        private double Level(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var v) || !double.IsFinite(v) || v < 0)
            {
                throw Bad(path, "must be a number ≥ 0", e);
            }

            return v;
        }

        private int PositiveInteger(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) && v >= 1 ? v : throw Bad(path, "must be a whole number ≥ 1", e);

        private double Epsilon(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var v) && v > 0 && v < 1 ? v : throw Bad(path, "must be a number between 0 and 1 (exclusive)", e);

        private string Method(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.String && AnalysisMethod.Choices.Contains(e.GetString())
                ? e.GetString()!
                : throw Bad(path, $"must be one of {string.Join(", ", AnalysisMethod.Choices)}", e);

        private FailOn FailOnLevel(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.String && GateWords.TryParseFailOn(e.GetString(), out var f) && e.GetString() == GateWords.Of(f)
                ? f
                : throw Bad(path, $"must be one of {string.Join(", ", GateWords.FailOnChoices)}", e);

        private string? Regex(string? pattern, string path)
        {
            if (pattern is null)
            {
                return null;
            }

            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
                return pattern;
            }
            catch (ArgumentException ex)
            {
                throw new UserInputException($"{source}: '{path}' is not a valid regular expression: {ex.Message.ReplaceLineEndings(" ")}");
            }
        }

        private string? OptionalString(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.Null ? null : RequiredString(e, path);

        private string RequiredString(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(e.GetString()) ? e.GetString()! : throw Bad(path, "must be a non-empty string", e);

        private IReadOnlyList<string> Strings(JsonElement e, string path)
        {
            if (e.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            if (e.ValueKind != JsonValueKind.Array)
            {
                throw Bad(path, "must be an array of strings", e);
            }

            return e.EnumerateArray().Select((item, i) => RequiredString(item, $"{path}[{i}]")).ToArray();
        }

        private IEnumerable<JsonProperty> Properties(JsonElement e, string path, string what)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                throw path.Length == 0
                    ? new UserInputException($"{source}: the policy must be a JSON object, got {Describe(e)}")
                    : Bad(path, $"must be {what}", e);
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in e.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                {
                    throw new UserInputException($"{source}: key '{Join(path, p.Name)}' is given twice");
                }

                yield return p;
            }
        }

        private UserInputException Unknown(string name, string path) =>
            new($"{source}: unknown key '{Join(path, name)}'");

        private UserInputException Bad(string path, string rule, JsonElement e) =>
            new($"{source}: '{path}' {rule}, got {Describe(e)}");

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

        private static string Describe(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.Null => "null",
            _ => e.GetRawText(),
        };

        private static string Format(double v) => v.ToString(CultureInfo.InvariantCulture);
    }
}
