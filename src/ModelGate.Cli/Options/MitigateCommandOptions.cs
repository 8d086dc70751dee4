using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Hosting;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.Repair;
using ModelGate.Forgetting;

namespace ModelGate.Cli.Options;

/// <summary>What <c>mitigate</c> was asked, bound and checked in one place before any work.</summary>
public sealed record MitigateCommandOptions
{
    public static readonly Option<string?> Output = new("--output", "-o") { Description = "Folder for the repaired adapter (required unless --dry-run)." };
    public static readonly Option<double> Lambda = new("--lambda") { Description = "Scale for each intruder's singular value: 0 removes it, 1 keeps it.", DefaultValueFactory = _ => 0.5 };
    public static readonly Option<string[]> ModuleLambda = new("--module-lambda") { Description = "REGEX=λ for matching modules (repeatable; first match wins)." };
    public static readonly Option<int> MinIntruders = new("--min-intruders") { Description = "Only modules with at least this many intruders.", DefaultValueFactory = _ => 1 };
    public static readonly Option<bool> DryRun = new("--dry-run") { Description = "Show what would change; write nothing." };
    public static readonly Option<bool> Force = new("--force") { Description = "Replace a non-empty --output folder once the new adapter is complete." };
    public static readonly Option<string?> Sweep = new("--sweep") { Description = "Comma-separated λ values (e.g. 1,0.75,0.5,0.25,0): repair at each, measure forgetting on --corpus/--tasks, write the passing λ with the least task cost; exit 1 and write no adapter when none passes." };
    public static readonly Option<string?> TaskCorpus = new("--task-corpus") { Description = "With --sweep: held-out text of the adapter's own task; task cost = its perplexity increase against λ = 1 (without it the largest passing λ wins)." };
    public static readonly Option<string?> Policy = new("--policy") { Description = "With --sweep: the policy whose forgetting rules and failOn decide which λ passes (default: the built-in policy). Env MODELGATE_POLICY." };
    public static readonly Option<string?> Json = new("--json") { Description = "With --sweep: write the whole sweep as JSON here." };
    public static readonly Option<string?> Report = new("--report") { Description = "With --sweep: write the sweep as Markdown (table and chart) here." };

    public required string Base { get; init; }

    /// <summary>The one adapter to repair.</summary>
    public required string Adapter { get; init; }

    public string? OutputFolder { get; init; }
    public required MitigationSettings Settings { get; init; }
    public required string Device { get; init; }

    /// <summary>With --sweep, the sweep's own inputs; null for a single λ.</summary>
    public SweepOptions? Sweeping { get; init; }

    /// <summary>What a repair sweep was asked besides the adapter and the analysis settings.</summary>
    public sealed record SweepOptions(IReadOnlyList<double> Lambdas, string? Corpus, IReadOnlyList<string> Tasks, string? TaskCorpus,
        GatePolicy Policy, string? Json, string? Report);

    public static MitigateCommandOptions Bind(ParseResult parse, IHost host)
    {
        if (parse.GetValue(SharedOptions.Adapters) is not [var adapter])
        {
            throw new UserInputException("mitigate: give the one --adapter to repair");
        }

        return new MitigateCommandOptions
        {
            Base = parse.GetValue(SharedOptions.Base)!,
            Adapter = adapter,
            OutputFolder = parse.GetValue(Output),
            Settings = new MitigationSettings
            {
                Lambda = parse.GetValue(Lambda),
                ModuleLambdas = parse.GetValue(ModuleLambda) ?? [],
                MinIntruders = parse.GetValue(MinIntruders),
                DryRun = parse.GetValue(DryRun),
                Force = parse.GetValue(Force),
                Analysis = SharedOptions.Analysis(parse, host),
            },
            Device = SharedOptions.Device(parse, host),
            Sweeping = SweepOf(parse, host),
        };
    }

    /// <summary>The sweep's inputs, checked against the single-λ options it replaces; null without --sweep.</summary>
    private static SweepOptions? SweepOf(ParseResult parse, IHost host)
    {
        if (parse.GetValue(Sweep) is not { } list)
        {
            var stray = new Option[] { TaskCorpus, Policy, Json, Report, SharedOptions.Corpus, SharedOptions.Tasks }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false });
            return stray is null ? null : throw new UserInputException($"{stray.Name} needs --sweep");
        }

        var clash = new Option[] { Lambda, ModuleLambda, DryRun }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false });
        if (clash is not null)
        {
            throw new UserInputException($"--sweep chooses λ by measurement; {clash.Name} cannot be given with it");
        }

        var lambdas = list.Split(',', StringSplitOptions.TrimEntries).Select(text =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var lambda)
                ? lambda
                : throw new UserInputException(InputField.Sweep, $"'{text}': not a number; expected comma-separated λ values such as 1,0.75,0.5,0.25,0")).ToArray();
        var policyFile = CliHost.Setting<string?>(parse, host, Policy, "Policy", null);
        var policy = policyFile is null ? GatePolicyLoader.Default : GatePolicyLoader.LoadFile(policyFile);
        return new SweepOptions(
            lambdas,
            parse.GetValue(SharedOptions.Corpus) ?? ForgettingProbe.ResolvePath(policy.Forgetting.Corpus, policy.Source),
            parse.GetValue(SharedOptions.Tasks) is { } tasks ? ForgettingCommandOptions.SplitList(tasks) : [.. policy.Forgetting.Tasks.Select(t => ForgettingProbe.ResolvePath(t, policy.Source)!)],
            parse.GetValue(TaskCorpus),
            policy,
            parse.GetValue(Json),
            parse.GetValue(Report));
    }
}
