using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Evidence;
using ModelGate.Core.Forgetting;
using ModelGate.Core.Gating;
using ModelGate.Core.Promotion;
using ModelGate.Core.Reporting;
using ModelGate.Forgetting;
using ModelGate.Core.Spectral.Publishing;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>gate</c>: analyse adapters against a base, hold the result to a policy, write the reports, and exit 0 (release
/// allowed), 1 (gate failed), 2 (bad input) or 3 (internal error). All the logic is Core's <see cref="GateRunner"/>.
/// </summary>
public static class GateCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("gate", "Hold adapters to a policy on intruder dimensions (and forgetting); exit 0 allowed, 1 failed, 2 bad input, 3 error.")
        {
            SharedOptions.Base, SharedOptions.Adapters, GateCommandOptions.Policy, GateCommandOptions.Baseline, GateCommandOptions.Json,
            GateCommandOptions.Report, GateCommandOptions.Html, GateCommandOptions.Template, GateCommandOptions.FailOn, SharedOptions.K,
            SharedOptions.Epsilon, SharedOptions.Method, SharedOptions.Modules, SharedOptions.Tolerance, SharedOptions.Spectra,
            GateCommandOptions.GitHubComment, GateCommandOptions.GitHubCommentLabel, SharedOptions.Corpus, SharedOptions.Tasks,
            GateCommandOptions.Analysis, GateCommandOptions.Forgetting, GateCommandOptions.Promote, GateCommandOptions.ReleaseVersion,
            GateCommandOptions.ModelCard,
            GateCommandOptions.Lineage, GateCommandOptions.SuggestRepair,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = GateCommandOptions.Bind(parse, host);
            var (policy, outputs) = (options.EffectivePolicy, options.Outputs);
            // With a forgetting report the policy's corpus and tasks only name the datasets it must have: they are not read.
            var measures = policy.Forgetting.IsEnabled && options.ForgettingReport is null;
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(options.Base), "the --base model folder")
                .Reads(ModelLocations.LocalPaths(options.Adapters), "the --adapter folder")
                .Reads(ModelLocations.LocalPaths(options.EarlierReleases), "the --lineage release")
                .Reads(options.PolicyFile, "the --policy file")
                .Reads(options.AnalysisParts, "the --analysis part")
                .Reads(policy.Baseline, "the --baseline verdict")
                .Reads(outputs.Template, "the --template")
                .Reads(options.ForgettingReport, "the --forgetting report")
                .Reads(measures ? ModelLocations.LocalPath(ForgettingProbe.ResolvePath(policy.Forgetting.Corpus, policy.Source)) : null, "the forgetting --corpus")
                .Reads(measures ? ForgettingDataLocations.LocalTaskFiles(policy.Forgetting.Tasks.Select(t => ForgettingProbe.ResolveTask(t, policy.Source))) : [], "the forgetting --tasks file")
                .WritesFile(outputs.Json, "--json")
                .WritesFile(outputs.Markdown, "--report")
                .WritesFile(outputs.Html, "--html")
                .WritesFile(outputs.ModelCard, "--model-card")
                .WritesFolder(options.Promotion is { } release && ModelLocations.LocalPath(release.Destination) is { } local ? Path.Combine(local, release.Version) : null, "--promote")
                .Check();
            if (options.Promotion is { } planned)
            {
                await host.Services.GetRequiredService<ReleasePromoter>().CheckAsync(planned.Destination, planned.Version, ct);
            }

            var sinks = host.Services.GetServices<IReportSinkProvider>().SelectMany(p => p.Create(outputs)).ToList();
            // Measuring forgetting loads the whole base into a language model: then it is mirrored, not streamed.
            var baseModel = await ModelLocations.ResolveBaseAsync(context, parse, host, options.Base, options.Spectra, everyWeight: measures, ct);
            var adapters = await ModelLocations.ResolveAllAsync(context, parse, host, options.Adapters, ct);
            var lineage = await ModelLocations.ResolveAllAsync(context, parse, host, options.EarlierReleases, ct);

            ReleasePromotionSink? promotionSink = null;
            if (options.Promotion is { } p)
            {
                // Last: the local reports are written even when the upload fails.
                promotionSink = new ReleasePromotionSink(host.Services.GetRequiredService<ReleasePromoter>(), p.Destination, p.Version,
                    outputs.Template is null ? GateReportTemplate.Default : GateReportTemplate.Load(outputs.Template), outputs.ModelCard);
                sinks.Add(promotionSink);
            }

            // The policy's data from a registry (hf://datasets/…, a bare lm-eval task name) is fetched now, before the analysis.
            var fetchedData = measures ? await ForgettingDataLocations.FetchPolicyDataAsync(context, parse, host, policy.Forgetting, ct) : new Dictionary<string, ResolvedDataset>();
            var request = new GateRequest
            {
                FetchedData = fetchedData,
                BaseModel = baseModel,
                Adapters = adapters,
                Lineage = lineage,
                AdviseRepair = options.AdviseRepair,
                Policy = policy,
                Device = options.Device,
                CacheFolder = options.CacheFolder,
                Spectra = options.Spectra,
                Tolerance = options.Tolerance,
                Sinks = sinks,
            };
            if (options.AnalysisParts.Count > 0)
            {
                // Shards analysed by other jobs: combined, and checked against these models, instead of analysing.
                var published = options.Spectra is { } spectra ? (await host.Services.GetRequiredService<SpectraManifestReader>().ReadAsync(spectra, ct)).Manifest : null;
                request = request with { Analysis = await AnalysisParts.CombineAsync(options.AnalysisParts, baseModel, adapters, request.AnalysisSettings, published, ct) };
            }

            if (options.ForgettingReport is { } forgettingReport)
            {
                // Measured by another job: checked against these models and the policy's datasets instead of measuring.
                request = request with { Forgetting = await ForgettingEvidence.LoadAsync(forgettingReport, baseModel, adapters, policy.Forgetting, ct) };
            }

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
}
