using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Gating;
using ModelGate.Core.Reporting;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>gate</c>: analyse adapters against a base, hold the result to a policy, write the reports, and exit 0 (release
/// allowed), 1 (gate failed), 2 (bad input) or 3 (internal error). All the logic is Core's <see cref="GateRunner"/>.
/// </summary>
public static class GateCommand
{
    private static readonly Option<string> Base = new("--base") { Description = "Base model folder the adapters were trained on.", Required = true };
    private static readonly Option<string[]> Adapters = new("--adapter") { Description = "PEFT adapter folder; repeat to merge several in order.", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Policy = new("--policy") { Description = "Policy file (JSON, templates/intruder-gate-policy.schema.json); laid over the built-in default. Env MODELGATE_POLICY." };
    private static readonly Option<string?> Baseline = new("--baseline") { Description = "A previous release's verdict (gate --json) or analyze --format json report, for the growth rule. Env MODELGATE_BASELINE." };
    private static readonly Option<string?> Json = new("--json") { Description = "Write the verdict JSON here (the next release's --baseline)." };
    private static readonly Option<string?> Report = new("--report") { Description = "Write the Markdown report here." };
    private static readonly Option<string?> Html = new("--html") { Description = "Write the self-contained HTML report here." };
    private static readonly Option<string?> Template = new("--template") { Description = "A Scriban template for the Markdown and HTML reports (start from templates/gate-report.md.scriban)." };
    private static readonly Option<string?> FailOnOption = new("--fail-on") { Description = "Which verdict exits 1: fail (default), warn, or never. Env MODELGATE_FAILON." };
    private static readonly Option<string?> Modules = new("--modules") { Description = "Only weights whose name matches this regular expression (policy analysis.modules)." };
    private static readonly Option<bool> GitHubComment = new("--github-comment") { Description = "Post the report as a pull-request comment (needs the GitHub integration and GITHUB_TOKEN)." };

    public static Command Create(CliContext context)
    {
        var command = new Command("gate", "Hold adapters to a policy on intruder dimensions (and forgetting); exit 0 allowed, 1 failed, 2 bad input, 3 error.")
        {
            Base, Adapters, Policy, Baseline, Json, Report, Html, Template, FailOnOption,
            AnalyzeCommand.K, AnalyzeCommand.Epsilon, AnalyzeCommand.Method, Modules, AnalyzeCommand.Tolerance, GitHubComment,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, ct, host =>
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
            };
            var sinks = host.Services.GetServices<IReportSinkProvider>().SelectMany(p => p.Create(outputs)).ToArray();

            var request = new GateRequest
            {
                BaseModel = parse.GetValue(Base)!,
                Adapters = parse.GetValue(Adapters) ?? [],
                Policy = policy,
                Device = CliHost.Setting<string?>(parse, host, CommonOptions.Device, "Device", "auto") ?? "auto",
                CacheFolder = CliHost.Setting<string?>(parse, host, CommonOptions.Cache, "Cache", null),
                Tolerance = CliHost.Setting(parse, host, AnalyzeCommand.Tolerance, "Tolerance", 1e-6),
                Sinks = sinks,
            };
            var runner = host.Services.GetRequiredService<GateRunner>();
            var result = ConsoleProgress.Run(context.Error, context.ErrorIsTerminal, "gate",
                progress => runner.RunAsync(request, progress, ct).GetAwaiter().GetResult());

            GateTable.Write(OutputConsole.Create(context.Out, context.OutIsTerminal), result);
            foreach (var sink in sinks)
            {
                context.Error.WriteLine($"wrote {sink.Description}");
            }

            return result.Verdict.ExitCode;
        }));
        return command;
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
        };
    }
}
