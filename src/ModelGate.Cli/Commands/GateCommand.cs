using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.Promotion;
using ModelGate.Core.Registries;
using ModelGate.Core.Reporting;
using ModelGate.Forgetting;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>gate</c>: analyse adapters against a base, hold the result to a policy, write the reports, and exit 0 (release
/// allowed), 1 (gate failed), 2 (bad input) or 3 (internal error). All the logic is Core's <see cref="GateRunner"/>.
/// </summary>
public static class GateCommand
{
    private static readonly Option<string> Base = new("--base") { Description = "Base model folder (or registry URI: az://, https://…blob…, hf://org/name@rev, file://) the adapters were trained on.", Required = true };
    private static readonly Option<string[]> Adapters = new("--adapter") { Description = "PEFT adapter folder or registry URI; repeat to merge several in order (the last is the release --promote publishes).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Policy = new("--policy") { Description = "Policy file (JSON, templates/intruder-gate-policy.schema.json); laid over the built-in default. Env MODELGATE_POLICY." };
    private static readonly Option<string?> Baseline = new("--baseline") { Description = "A previous release's verdict (gate --json) or analyze --format json report, for the growth rule. Env MODELGATE_BASELINE." };
    private static readonly Option<string?> Json = new("--json") { Description = "Write the verdict JSON here (the next release's --baseline)." };
    private static readonly Option<string?> Report = new("--report") { Description = "Write the Markdown report here." };
    private static readonly Option<string?> Html = new("--html") { Description = "Write the self-contained HTML report here." };
    private static readonly Option<string?> Template = new("--template") { Description = "A Scriban template for the Markdown and HTML reports (start from templates/gate-report.md.scriban)." };
    private static readonly Option<string?> FailOnOption = new("--fail-on") { Description = "Which verdict exits 1: fail (default), warn, or never. Env MODELGATE_FAILON." };
    private static readonly Option<string?> Modules = new("--modules") { Description = "Only weights whose name matches this regular expression (policy analysis.modules)." };
    private static readonly Option<string?> Corpus = new("--corpus") { Description = "Held-out text for the forgetting rules (policy forgetting.corpus): .txt, .jsonl or a folder." };
    private static readonly Option<string?> Tasks = new("--tasks") { Description = "Comma-separated multiple-choice JSONL files for the forgetting rules (policy forgetting.tasks)." };
    private static readonly Option<bool> GitHubComment = new("--github-comment") { Description = "Post the report as a pull-request comment, updated in place on later runs (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH). In GitHub Actions the job summary, annotations and step outputs are written without it." };
    private static readonly Option<string?> GitHubCommentLabel = new("--github-comment-label") { Description = "Names this job's PR comment among others on the pull request (default: the job id and the adapter folder names). Env MODELGATE_GITHUBCOMMENTLABEL." };
    private static readonly Option<string?> Promote = new("--promote") { Description = "When the gate allows the release, copy the (last) adapter to <uri>/<version> with verdict.json and report.md, then _RELEASED.json (az://, https://…blob…, a folder)." };
    private static readonly Option<string?> ReleaseVersion = new("--release-version") { Description = "The release's version under --promote (default: the adapter reference's last segment, e.g. v7)." };

    public static Command Create(CliContext context)
    {
        var command = new Command("gate", "Hold adapters to a policy on intruder dimensions (and forgetting); exit 0 allowed, 1 failed, 2 bad input, 3 error.")
        {
            Base, Adapters, Policy, Baseline, Json, Report, Html, Template, FailOnOption,
            AnalyzeCommand.K, AnalyzeCommand.Epsilon, AnalyzeCommand.Method, Modules, AnalyzeCommand.Tolerance, AnalyzeCommand.Spectra, GitHubComment, GitHubCommentLabel, Corpus, Tasks, Promote, ReleaseVersion,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var policyFile = CliHost.Setting<string?>(parse, host, Policy, "Policy", null);
            var policy = policyFile is null ? GatePolicyLoader.Default : GatePolicyLoader.LoadFile(policyFile);
            policy = Overrides(parse, host, policy);

            var outputs = new GateOutputs
            {
                Json = parse.GetValue(Json),
                Markdown = parse.GetValue(Report),
                Html = parse.GetValue(Html),
                Template = parse.GetValue(Template),
                GitHubComment = parse.GetValue(GitHubComment),
                GitHubCommentLabel = CliHost.Setting<string?>(parse, host, GitHubCommentLabel, "GitHubCommentLabel", null),
            };
            var baseSource = parse.GetValue(Base)!;
            var adapterSources = parse.GetValue(Adapters) ?? [];
            var promotion = Promotion(parse, adapterSources);
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(baseSource), "the --base model folder")
                .Reads(ModelLocations.LocalPaths(adapterSources), "the --adapter folder")
                .Reads(policyFile, "the --policy file")
                .Reads(policy.Baseline, "the --baseline verdict")
                .Reads(outputs.Template, "the --template")
                .Reads(ForgettingProbe.ResolvePath(policy.Forgetting.Corpus, policy.Source), "the forgetting --corpus")
                .Reads(policy.Forgetting.Tasks.Select(t => ForgettingProbe.ResolvePath(t, policy.Source)!), "the forgetting --tasks file")
                .WritesFile(outputs.Json, "--json")
                .WritesFile(outputs.Markdown, "--report")
                .WritesFile(outputs.Html, "--html")
                .WritesFolder(promotion is { } release && ModelLocations.LocalPath(release.Destination) is { } local ? Path.Combine(local, release.Version) : null, "--promote")
                .Check();
            if (promotion is { } planned)
            {
                await host.Services.GetRequiredService<ReleasePromoter>().CheckAsync(planned.Destination, planned.Version, ct);
            }

            var sinks = host.Services.GetServices<IReportSinkProvider>().SelectMany(p => p.Create(outputs)).ToList();
            var spectra = CliHost.Setting(parse, host, AnalyzeCommand.Spectra, "Spectra", null);
            // The forgetting rules load the whole base into a language model: then it is mirrored, not streamed.
            var baseFolder = await ModelLocations.ResolveBaseAsync(context, parse, host, baseSource, policy.Forgetting.IsEnabled ? null : spectra, ct);
            var adapters = new List<ResolvedFolder>();
            foreach (var adapter in adapterSources)
            {
                adapters.Add(await ModelLocations.ResolveFolderAsync(context, parse, host, adapter, ct));
            }

            ReleasePromotionSink? promotionSink = null;
            if (promotion is { } p)
            {
                // Last: the local reports are written even when the upload fails.
                promotionSink = new ReleasePromotionSink(host.Services.GetRequiredService<ReleasePromoter>(), p.Destination, p.Version,
                    adapters[^1].Path, adapters[^1].Display, adapters[^1].Pinned,
                    outputs.Template is null ? GateReportTemplate.Default : GateReportTemplate.Load(outputs.Template));
                sinks.Add(promotionSink);
            }

            var request = new GateRequest
            {
                BaseModel = baseFolder,
                Adapters = [.. adapters.Select(a => a.Path)],
                BaseSource = ModelLocations.Display(baseSource),
                AdapterSources = [.. adapterSources.Select(ModelLocations.Display)],
                Policy = policy,
                Device = CliHost.Setting<string?>(parse, host, CommonOptions.Device, "Device", "auto") ?? "auto",
                CacheFolder = CliHost.Setting<string?>(parse, host, CommonOptions.Cache, "Cache", null),
                Spectra = spectra,
                Tolerance = CliHost.Setting(parse, host, AnalyzeCommand.Tolerance, "Tolerance", 1e-6),
                Sinks = sinks,
            };
            var runner = host.Services.GetRequiredService<GateRunner>();
            var result = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "gate",
                progress => runner.RunAsync(request, progress, ct));

            GateTable.Write(OutputConsole.Create(context.Out, context.OutIsTerminal), result);
            foreach (var sink in sinks.Where(s => s != promotionSink))
            {
                context.Error.WriteLine(sink.Description);
            }

            if (promotionSink?.Result is { } promoted)
            {
                context.Error.WriteLine(promoted.Message);
            }

            return result.Verdict.ExitCode;
        }, ct));
        return command;
    }

    /// <summary>--promote and its version, known before any download or analysis; null without --promote.</summary>
    private static (string Destination, string Version)? Promotion(ParseResult parse, string[] adapters)
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
            throw new UserInputException("gate: give at least one --adapter");
        }

        return (destination, parse.GetValue(ReleaseVersion) ?? ReleasePromoter.DefaultVersion(adapters[^1]));
    }

    /// <summary>Command line, then MODELGATE_* environment and modelgate.json, over the policy file's values.</summary>
    private static GatePolicy Overrides(ParseResult parse, Microsoft.Extensions.Hosting.IHost host, GatePolicy policy)
    {
        var analysis = policy.Analysis with
        {
            K = CliHost.Setting(parse, host, AnalyzeCommand.K, "K", policy.Analysis.K),
            Epsilon = CliHost.Setting(parse, host, AnalyzeCommand.Epsilon, "Epsilon", policy.Analysis.Epsilon),
            Method = CliHost.Setting(parse, host, AnalyzeCommand.Method, "Method", policy.Analysis.Method),
            Modules = CliHost.Setting(parse, host, Modules, "Modules", policy.Analysis.Modules),
        };
        var failOn = CliHost.Setting<string?>(parse, host, FailOnOption, "FailOn", null);
        var baseline = CliHost.Setting(parse, host, Baseline, "Baseline", policy.Baseline);
        return policy with
        {
            Analysis = analysis,
            FailOn = failOn is null ? policy.FailOn : GateWords.ParseFailOn(failOn, "--fail-on (MODELGATE_FAILON)"),
            Baseline = baseline,
            Forgetting = policy.Forgetting with
            {
                Corpus = parse.GetValue(Corpus) ?? policy.Forgetting.Corpus,
                Tasks = parse.GetValue(Tasks) is { } tasks ? ForgettingCommand.SplitList(tasks) : policy.Forgetting.Tasks,
            },
        };
    }
}
