using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Forgetting;
using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Core.Registries.Datasets;
using ModelGate.Forgetting.Metrics.Tasks;

namespace ModelGate.Cli.Hosting;

/// <summary>
/// The forgetting verb's data, fetched before anything is scored: a registry corpus (<c>hf://datasets/…</c>), task
/// entries <c>NAME=URI</c>, and a bare lm-eval task <c>NAME</c>, which means that task's own Hub dataset and split at
/// <c>main</c>'s current commit. Every dataset comes back with what its report and provenance record: its name, its
/// local files and, when fetched, the commit.
/// </summary>
public static class ForgettingDataLocations
{
    private static readonly string[] RowFileExtensions = [".parquet", ".jsonl", ".json"];

    public static async Task<(string? Corpus, IReadOnlyDictionary<string, ResolvedDataset> FetchedTasks, IReadOnlyList<ResolvedDataset> Datasets)> ResolveAsync(
        CliContext context, ParseResult parse, IHost host, string? corpus, IReadOnlyList<string> tasks, CancellationToken cancellationToken)
    {
        var datasets = new List<ResolvedDataset>();
        string? corpusPath = null;
        if (corpus is not null)
        {
            var resolved = await ModelLocations.ResolveAsync(context, parse, host, corpus, cancellationToken);
            corpusPath = resolved.LocalPath;
            datasets.Add(new ResolvedDataset(ForgettingDataset.NameOf(corpusPath), [corpusPath], RevisionOf(resolved.PinnedRevision), resolved.PinnedRevision));
        }

        var fetched = new Dictionary<string, ResolvedDataset>(StringComparer.Ordinal);
        foreach (var entry in tasks)
        {
            var reference = TaskReference.Parse(entry);
            ResolvedDataset dataset;
            if (reference.Name is null && LmEvalTasks.Find(entry) is { } task)
            {
                dataset = await FetchSplitAsync(context, parse, host, task, cancellationToken);
                fetched[entry] = dataset;
            }
            else if (IsRegistry(reference.Path))
            {
                var resolved = await ModelLocations.ResolveAsync(context, parse, host, reference.Path, cancellationToken);
                dataset = new ResolvedDataset(reference.Name ?? ForgettingDataset.NameOf(resolved.LocalPath), RowFiles(resolved.LocalPath),
                    RevisionOf(resolved.PinnedRevision), resolved.PinnedRevision);
                fetched[entry] = dataset;
            }
            else
            {
                dataset = new ResolvedDataset(reference.DatasetName, [reference.Path]);
            }

            datasets.Add(dataset);
        }

        return (corpusPath, fetched, datasets);
    }

    /// <summary>
    /// A policy's forgetting data as the gate takes it: only the entries that live in a registry (or are bare task
    /// names) are fetched, each under the entry as the policy writes it; local files are read where the policy says.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, ResolvedDataset>> FetchPolicyDataAsync(CliContext context, ParseResult parse, IHost host,
        ForgettingPolicy forgetting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(forgetting);
        var corpus = forgetting.Corpus is { } entry && IsRegistry(entry) ? entry : null;
        var (_, tasks, datasets) = await ResolveAsync(context, parse, host, corpus, forgetting.Tasks, cancellationToken);
        var fetched = new Dictionary<string, ResolvedDataset>(tasks, StringComparer.Ordinal);
        if (corpus is not null)
        {
            fetched[corpus] = datasets[0];
        }

        return fetched;
    }

    /// <summary>The local task files the run reads as given: not bare task names, not registry URIs.</summary>
    public static IEnumerable<string> LocalTaskFiles(IEnumerable<string> tasks) =>
        ModelLocations.LocalPaths(ForgettingDataReader.TaskFiles(tasks));

    private static async Task<ResolvedDataset> FetchSplitAsync(CliContext context, ParseResult parse, IHost host, LmEvalTask task, CancellationToken cancellationToken)
    {
        var resolver = host.Services.GetRequiredService<DatasetSplitResolver>();
        var uri = $"hf://datasets/{task.Dataset.Path}";
        ResolvedDatasetSplit? split = null;
        await DownloadProgress.RunAsync(context.Error, context.ErrorIsTerminal, $"{task.Name}: {uri} ({task.Dataset.Split})", async progress =>
        {
            split = await resolver.ResolveAsync(uri, task.Dataset.Config, task.Dataset.Split, CommonOptions.CacheFolder(parse, host), progress, cancellationToken);
            return new ResolvedFolder(uri, split.Display, split.Pinned, split.Statistics);
        });
        return new ResolvedDataset(task.Name, split!.Files, RevisionOf(split.Pinned), split.Pinned);
    }

    private static bool IsRegistry(string reference) => RegistryReference.Parse(reference) is { Uri: not null, IsLocalPath: false };

    /// <summary>A fetched folder's row files in order (a split's shards); a file as it is.</summary>
    private static string[] RowFiles(string path) =>
        Directory.Exists(path)
            ? [.. Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => RowFileExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)]
            : [path];

    /// <summary>The commit of a pinned registry URI (<c>hf://datasets/org/name@sha/path</c> → sha); the pin itself when it has no <c>@</c>.</summary>
    private static string? RevisionOf(string? pinned)
    {
        if (pinned is null)
        {
            return null;
        }

        var at = pinned.LastIndexOf('@');
        if (at < 0)
        {
            return pinned;
        }

        var end = pinned.IndexOf('/', at);
        return end < 0 ? pinned[(at + 1)..] : pinned[(at + 1)..end];
    }
}
