using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelGate.Core;
using ModelGate.Core.Errors;
using ModelGate.Core.Forgetting;
using ModelGate.Core.Gating;
using ModelGate.Core.IO;
using ModelGate.Core.Repair;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Metrics.Tasks;
using ModelGate.Torch.Repair;

namespace ModelGate.Forgetting.Repair;

/// <summary>
/// Chooses a repair by measurement: the adapter repaired at every λ of the sweep (the exact repair of
/// <see cref="AdapterMitigator"/>), each measured for forgetting against one measurement of the base, judged by the
/// policy's forgetting rules as the gate judges them; of the λ that pass, the one that costs the adapter's own task
/// least (perplexity on held-out task text against λ = 1) is written. When none passes, nothing is written.
/// </summary>
public sealed class RepairSweeper(AdapterMitigator mitigator, ForgettingEvaluator evaluator, ILogger<RepairSweeper> logger)
{
    public async Task<RepairSweepResult> SweepAsync(RepairSweepRequest request, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        new OutputGuard()
            .Reads(request.BaseModel, "the base model folder")
            .Reads(request.Adapter, "the adapter folder")
            .Reads(request.Forgetting.Corpus, "the held-out corpus")
            .Reads(ForgettingDataReader.TaskFiles(request.Forgetting.Tasks), "the tasks file")
            .Reads(request.TaskCorpus, "the held-out task text")
            .WritesFolder(request.OutputFolder, InputField.Output.Words)
            .Check();

        var work = Directory.CreateTempSubdirectory("modelgate-sweep-");
        try
        {
            var repaired = new List<(double Lambda, string Folder, int Intruders)>();
            var before = 0;
            for (var i = 0; i < request.Lambdas.Count; i++)
            {
                var lambda = request.Lambdas[i];
                var folder = Path.Combine(work.FullName, i.ToString(CultureInfo.InvariantCulture));
                var settings = request.Mitigation with { Lambda = lambda, DryRun = false, Force = false };
                var result = await mitigator.MitigateAsync(request.BaseModel, request.Adapter, folder, settings, request.Device, progress, cancellationToken);
                before = result.Before.TotalIntruders;
                repaired.Add((lambda, folder, result.After!.TotalIntruders));
                logger.LogInformation("λ = {Lambda}: {Before} → {After} intruders", lambda, before, result.After.TotalIntruders);
            }

            var forgetting = await Task.Run(() => evaluator.EvaluateEachAsync(request.Forgetting with { BaseModel = request.BaseModel },
                [.. repaired.Select(r => (IReadOnlyList<string>)[r.Folder])], progress, cancellationToken), cancellationToken);
            var costs = request.TaskCorpus is null ? null : await TaskCostsAsync(request, repaired.Select(r => r.Folder).ToArray(), progress, cancellationToken);

            var points = repaired.Select((r, i) =>
            {
                var rules = GateRules.Forgetting(request.Policy.Forgetting, ForgettingProbe.Observations(forgetting[i]));
                return new RepairSweepPoint
                {
                    Lambda = r.Lambda,
                    Intruders = r.Intruders,
                    Forgetting = forgetting[i],
                    Rules = rules,
                    Passes = !GateVerdict.Blocks(rules.Max(x => x.Status), request.Policy.FailOn),
                    TaskCost = costs?[i],
                };
            }).ToArray();
            if (points.Any(p => p.Rules.Count == 0))
            {
                throw new UserInputException($"{request.Policy.Source}: the policy limits none of the forgetting metrics measured, so no λ can be chosen by measurement; set a perplexityIncreasePct, pseudoLossIncrease or accuracyDropPts level");
            }

            var chosen = RepairSweepResult.Choose(points);
            string? output = null;
            if (chosen is not null)
            {
                output = Path.GetFullPath(request.OutputFolder);
                var from = repaired[Array.IndexOf(points, chosen)].Folder;
                StagedFolder.Write(output, request.Force, staging =>
                {
                    foreach (var file in Directory.EnumerateFiles(from))
                    {
                        File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
                    }
                });
            }

            return new RepairSweepResult { IntrudersBefore = before, Points = points, TaskCorpus = request.TaskCorpus, OutputFolder = output };
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The perplexity increase (%) of each repair on the held-out task text against the adapter as trained, all
    /// measured in one pass with the same windows; no intervals are drawn, the cost only orders the repairs.
    /// </summary>
    private async Task<double[]> TaskCostsAsync(RepairSweepRequest request, IReadOnlyList<string> folders, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        var taskRequest = request.Forgetting with
        {
            BaseModel = request.BaseModel,
            Corpus = request.TaskCorpus,
            Tasks = [],
            Settings = request.Forgetting.Settings with { BootstrapSamples = 0 },
        };
        IReadOnlyList<IReadOnlyList<string>> alternatives = [[request.Adapter], .. folders.Select(f => (IReadOnlyList<string>)[f])];
        var reports = await Task.Run(() => evaluator.EvaluateEachAsync(taskRequest, alternatives, progress, cancellationToken), cancellationToken);
        var perplexity = reports.Select(Perplexity).ToArray();
        return [.. perplexity.Skip(1).Select(p => 100 * ((p / perplexity[0]) - 1))];
    }

    /// <summary>The merged model's perplexity (pseudo-perplexity for a masked LM) on the one corpus of the report.</summary>
    private static double Perplexity(ForgettingReport report)
    {
        var name = report.Kind == LanguageModelKind.Masked ? ForgettingMetricNames.PseudoPerplexity : ForgettingMetricNames.PerplexityIncreasePct;
        return report.Metrics.Single(m => m.Metric == name).Merged;
    }

    private static void Validate(RepairSweepRequest request)
    {
        request.Mitigation.Validate();
        if (request.Lambdas.Count == 0)
        {
            throw new UserInputException(InputField.Sweep, "missing: give the λ values to try, e.g. 1,0.75,0.5,0.25,0");
        }

        foreach (var lambda in request.Lambdas)
        {
            if (!(lambda >= 0 && lambda <= 1))
            {
                throw new UserInputException(InputField.Sweep, $"{lambda.ToString(CultureInfo.InvariantCulture)}: each λ must be between 0 and 1");
            }
        }

        if (request.Lambdas.Distinct().Count() != request.Lambdas.Count)
        {
            throw new UserInputException(InputField.Sweep, "a λ is given twice");
        }

        if (request.Mitigation.ModuleLambdas.Count > 0)
        {
            throw new UserInputException(InputField.ModuleLambda, "a sweep scales every module by the same λ; per-module λ cannot be swept");
        }

        if (request.Forgetting.Corpus is null && request.Forgetting.Tasks.Count == 0)
        {
            throw new UserInputException("a repair sweep measures forgetting: give a held-out corpus and/or multiple-choice tasks");
        }
    }
}
