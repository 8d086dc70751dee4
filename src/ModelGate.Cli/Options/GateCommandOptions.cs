using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Hosting;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.Promotion;
using ModelGate.Core.Reporting;

namespace ModelGate.Cli.Options;

/// <summary>
/// What <c>gate</c> was asked, bound and checked in one place before any download or analysis: the policy file with
/// the command line, MODELGATE_* environment and settings file laid over it, the outputs and the release to promote.
/// </summary>
public sealed record GateCommandOptions
{
    public static readonly Option<string?> Policy = new("--policy") { Description = "Policy file (JSON, templates/intruder-gate-policy.schema.json); laid over the built-in default. Env MODELGATE_POLICY." };
    public static readonly Option<string?> Baseline = new("--baseline") { Description = "A previous release's verdict (gate --json) or analyze --format json report, for the growth rule. Env MODELGATE_BASELINE." };
    public static readonly Option<string?> Json = new("--json") { Description = "Write the verdict JSON here (the next release's --baseline)." };
    public static readonly Option<string?> Report = new("--report") { Description = "Write the Markdown report here." };
    public static readonly Option<string?> Html = new("--html") { Description = "Write the self-contained HTML report here." };
    public static readonly Option<string?> ModelCard = new("--model-card") { Description = "Write the results into this model card (README.md: model-index front matter and a section), created when missing; with --promote it is the release's README.md." };
    public static readonly Option<string?> Template = new("--template") { Description = "A Scriban template for the Markdown and HTML reports (start from templates/gate-report.md.scriban)." };
    public static readonly Option<string?> FailOn = new("--fail-on") { Description = "Which verdict exits 1: fail (default), warn, or never. Env MODELGATE_FAILON." };
    public static readonly Option<bool> GitHubComment = new("--github-comment") { Description = "Post the report as a pull-request comment, updated in place on later runs (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH). In GitHub Actions the job summary, annotations and step outputs are written without it." };
    public static readonly Option<string?> GitHubCommentLabel = new("--github-comment-label") { Description = "Names this job's PR comment among others on the pull request (default: the job id and the adapter folder names). Env MODELGATE_GITHUBCOMMENTLABEL." };
    public static readonly Option<string[]> Analysis = new("--analysis")
    {
        Description = "A shard of the analysis (analyze --shard K/N --format json), computed elsewhere; repeat for every shard. The gate combines them instead of analysing, after checking they cover every module once, with this base, these adapters and these analysis settings.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<string?> Forgetting = new("--forgetting")
    {
        Description = "A forgetting report of these adapters on this base (forgetting --format json), measured elsewhere (a GPU job). The gate takes its metrics instead of measuring, after checking it is of this base and these adapters and has every dataset the policy's forgetting section names.",
    };

    public static readonly Option<string?> Lineage = new("--lineage")
    {
        Description = "Comma-separated earlier releases (adapter folders or registry URIs) in training order, the --adapter under test after them: the lineage rule (intruders.lineageGrowth, MG0005) holds the growth of the cumulative intruders across that chain.",
    };

    public static readonly Option<bool> SuggestRepair = new("--suggest-repair")
    {
        Description = "When the release is blocked: recount the adapter after mitigate at λ 0.75, 0.5, 0.25, 0 and say which repair makes the intruder rules pass, and whether forgetting needs mitigate --sweep (verdict JSON 'repair').",
    };

    public static readonly Option<string?> Promote = new("--promote") { Description = "When the gate allows the release, copy the (last) adapter to <uri>/<version> with verdict.json and report.md, then _RELEASED.json (az://, https://…blob…, a folder)." };
    public static readonly Option<string?> ReleaseVersion = new("--release-version") { Description = "The release's version under --promote (default: the adapter reference's last segment, e.g. v7)." };

    public required string Base { get; init; }

    /// <summary>The adapters, merged in order; the last is the release <see cref="Promotion"/> publishes.</summary>
    public required IReadOnlyList<string> Adapters { get; init; }

    /// <summary>The --policy file, null for the built-in default.</summary>
    public string? PolicyFile { get; init; }

    /// <summary>The policy file's values with every override applied.</summary>
    public required GatePolicy EffectivePolicy { get; init; }

    public required GateOutputs Outputs { get; init; }

    /// <summary>The --analysis shards to combine instead of analysing; empty: analyse.</summary>
    public IReadOnlyList<string> AnalysisParts { get; init; } = [];

    /// <summary>The --lineage releases before the adapter under test, in training order; empty: no lineage rule.</summary>
    public IReadOnlyList<string> EarlierReleases { get; init; } = [];

    /// <summary>Whether a blocked release gets the repair advice (--suggest-repair).</summary>
    public bool AdviseRepair { get; init; }

    /// <summary>The --forgetting report to take instead of measuring; null: measure when the policy asks.</summary>
    public string? ForgettingReport { get; init; }

    /// <summary>Where and as which version the release is promoted; null without --promote.</summary>
    public (string Destination, string Version)? Promotion { get; init; }

    public required string Device { get; init; }
    public string? CacheFolder { get; init; }
    public string? Spectra { get; init; }
    public double Tolerance { get; init; }

    public static GateCommandOptions Bind(ParseResult parse, IHost host)
    {
        var policyFile = CliHost.Setting<string?>(parse, host, Policy, "Policy", null);
        var policy = policyFile is null ? GatePolicyLoader.Default : GatePolicyLoader.LoadFile(policyFile);
        var adapters = parse.GetValue(SharedOptions.Adapters) ?? [];
        var analysis = SharedOptions.Analysis(parse, host, policy.Analysis);
        return new GateCommandOptions
        {
            Base = parse.GetValue(SharedOptions.Base)!,
            Adapters = adapters,
            PolicyFile = policyFile,
            EffectivePolicy = Overrides(parse, host, policy, analysis),
            Outputs = new GateOutputs
            {
                Json = parse.GetValue(Json),
                Markdown = parse.GetValue(Report),
                Html = parse.GetValue(Html),
                ModelCard = parse.GetValue(ModelCard),
                Template = parse.GetValue(Template),
                GitHubComment = parse.GetValue(GitHubComment),
                GitHubCommentLabel = CliHost.Setting<string?>(parse, host, GitHubCommentLabel, "GitHubCommentLabel", null),
            },
            AnalysisParts = parse.GetValue(Analysis) ?? [],
            ForgettingReport = parse.GetValue(Forgetting),
            AdviseRepair = parse.GetValue(SuggestRepair),
            EarlierReleases = ForgettingCommandOptions.SplitList(parse.GetValue(Lineage)),
            Promotion = PromotionOf(parse, adapters),
            Device = SharedOptions.Device(parse, host),
            CacheFolder = analysis.CacheFolder,
            Spectra = analysis.Spectra,
            Tolerance = analysis.Tolerance,
        };
    }

    /// <summary>--promote and its version, known before any download or analysis; null without --promote.</summary>
    private static (string Destination, string Version)? PromotionOf(ParseResult parse, string[] adapters)
    {
        if (parse.GetValue(Promote) is not { } destination)
        {
            if (parse.GetValue(ReleaseVersion) is not null)
            {
                throw new UserInputException("--release-version needs --promote");
            }

            return null;
        }

        if (adapters.Length == 0)
        {
            throw new UserInputException("--adapter missing: the gate needs at least one");
        }

        return (destination, parse.GetValue(ReleaseVersion) ?? ReleasePromoter.DefaultVersion(adapters[^1]));
    }

    /// <summary>Command line, then MODELGATE_* environment and modelgate.json, over the policy file's values.</summary>
    private static GatePolicy Overrides(ParseResult parse, IHost host, GatePolicy policy, Core.Spectral.AnalysisSettings analysis)
    {
        var failOn = CliHost.Setting<string?>(parse, host, FailOn, "FailOn", null);
        return policy with
        {
            Analysis = policy.Analysis with { K = analysis.K, Epsilon = analysis.Epsilon, Method = analysis.Method, Modules = analysis.Modules },
            FailOn = failOn is null ? policy.FailOn : GateWords.ParseFailOn(failOn, "--fail-on (MODELGATE_FAILON)"),
            Baseline = CliHost.Setting(parse, host, Baseline, "Baseline", policy.Baseline),
            Forgetting = policy.Forgetting with
            {
                Corpus = parse.GetValue(SharedOptions.Corpus) ?? policy.Forgetting.Corpus,
                Tasks = parse.GetValue(SharedOptions.Tasks) is { } tasks ? ForgettingCommandOptions.SplitList(tasks) : policy.Forgetting.Tasks,
            },
        };
    }
}
