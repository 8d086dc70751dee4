using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.Spectral;

namespace ModelGate.Cli.Options;

/// <summary>What <c>calibrate</c> was asked, bound and checked in one place before any measurement.</summary>
public sealed record CalibrateCommandOptions
{
    public static readonly Option<string?> AdaptersFrom = new("--adapters-from") { Description = "A folder whose sub-folders holding an adapter_config.json are the adapters to calibrate on (with or beside --adapter)." };
    public static readonly Option<string?> PolicyOut = new("--policy-out") { Description = "Write the calibrated policy here: the --policy (or built-in) policy with the fitted intruder levels as warn levels and forgetting.when = intrudersAbove." };
    public static readonly Option<string?> Report = new("--report") { Description = "Write the calibration report: FILE.md (and the HTML beside it as FILE.html), or a folder (calibration.md and calibration.html in it)." };

    private const string AdapterConfigFile = "adapter_config.json";

    public required string Base { get; init; }

    /// <summary>Every adapter to measure: the --adapter values (commas split), then --adapters-from's sub-folders by name.</summary>
    public required IReadOnlyList<string> Adapters { get; init; }

    /// <summary>The starting policy with --corpus and --tasks laid over its forgetting section.</summary>
    public required GatePolicy Policy { get; init; }
    public required AnalysisSettings Analysis { get; init; }
    public required string Device { get; init; }
    public string? PolicyOutput { get; init; }

    /// <summary>Where the Markdown and HTML reports go; null: none.</summary>
    public (string Markdown, string Html)? ReportFiles { get; init; }

    /// <summary>The folder --report named (created when missing); null when it named a file or was not given.</summary>
    public string? ReportFolder { get; init; }
    public ReportFormat Format { get; init; }
    public string? Output { get; init; }

    public static CalibrateCommandOptions Bind(ParseResult parse, IHost host)
    {
        var policyFile = CliHost.Setting<string?>(parse, host, GateCommandOptions.Policy, "Policy", null);
        var policy = policyFile is null ? GatePolicyLoader.Default : GatePolicyLoader.LoadFile(policyFile);
        policy = policy with
        {
            Forgetting = policy.Forgetting with
            {
                Corpus = parse.GetValue(SharedOptions.Corpus) ?? policy.Forgetting.Corpus,
                Tasks = parse.GetValue(SharedOptions.Tasks) is { } tasks ? ForgettingCommandOptions.SplitList(tasks) : policy.Forgetting.Tasks,
            },
        };
        if (!policy.Forgetting.IsEnabled)
        {
            throw new UserInputException("calibrate: give --corpus and/or --tasks (or a --policy that names them): forgetting is what the levels are fitted to predict");
        }

        var adapters = (parse.GetValue(SharedOptions.Adapters) ?? []).SelectMany(a => ForgettingCommandOptions.SplitList(a)).ToList();
        if (parse.GetValue(AdaptersFrom) is { } folder)
        {
            adapters.AddRange(AdapterFolders(folder));
        }

        if (adapters.Count == 0)
        {
            throw new UserInputException("calibrate: give the adapters to calibrate on with --adapter (repeatable) and/or --adapters-from DIR");
        }

        return new CalibrateCommandOptions
        {
            Base = parse.GetValue(SharedOptions.Base)!,
            Adapters = adapters,
            Policy = policy,
            Analysis = SharedOptions.Analysis(parse, host, policy.Analysis),
            Device = SharedOptions.Device(parse, host),
            PolicyOutput = parse.GetValue(PolicyOut),
            ReportFiles = parse.GetValue(Report) is { } report ? ReportPaths(report) : null,
            ReportFolder = parse.GetValue(Report) is { } named && !IsMarkdownFile(named) ? named : null,
            Format = parse.GetValue(SharedOptions.Format),
            Output = parse.GetValue(SharedOptions.Output),
        };
    }

    private static IEnumerable<string> AdapterFolders(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new UserInputException($"{folder}: --adapters-from folder not found");
        }

        var found = Directory.GetDirectories(folder)
            .Where(d => File.Exists(Path.Combine(d, AdapterConfigFile)))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return found.Length > 0 ? found : throw new UserInputException($"{folder}: --adapters-from has no sub-folder with an {AdapterConfigFile}");
    }

    private static bool IsMarkdownFile(string report) => Path.GetExtension(report).Equals(".md", StringComparison.OrdinalIgnoreCase);

    private static (string, string) ReportPaths(string report) =>
        IsMarkdownFile(report)
            ? (report, Path.ChangeExtension(report, ".html"))
            : (Path.Combine(report, "calibration.md"), Path.Combine(report, "calibration.html"));
}
