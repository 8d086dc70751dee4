using ModelGate.Core.Errors;
using ModelGate.Core.Forgetting;

namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// Reads the corpus and the task entries of a forgetting measurement. A task entry is <c>NAME=PATH</c> (the rows of a
/// local file in the format of the lm-eval task NAME), a bare task NAME (its hub dataset, which a front end fetched),
/// or else one of our own multiple-choice JSONL files.
/// </summary>
public static class ForgettingDataReader
{
    /// <summary>
    /// Reads the data. Entries in <paramref name="fetched"/> (by the entry as given) were fetched from a registry: their
    /// local files (a split's shards, read in order) are read, and the commit they were read at goes into the reports.
    /// </summary>
    public static async Task<ForgettingData> ReadAsync(string? corpus, string textColumn, IReadOnlyList<string> tasks, int? limit, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, ResolvedDataset>? fetched = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (limit is < 1)
        {
            throw new UserInputException($"row limit {limit}: must be at least 1");
        }

        var corpora = new List<TextCorpus>();
        if (corpus is not null)
        {
            corpora.Add(await TextCorpus.ReadAsync(corpus, textColumn, cancellationToken));
        }

        var choiceTasks = new List<MultipleChoiceTask>();
        var lastWordTasks = new List<LastWordTask>();
        foreach (var entry in tasks)
        {
            var reference = TaskReference.Parse(entry);
            var format = reference.Name is { } name
                ? LmEvalTasks.Find(name) ?? throw new UserInputException($"{entry}: there is no task {name}; known tasks: {string.Join(", ", LmEvalTasks.All.Select(t => t.Name))}")
                : LmEvalTasks.Find(entry);
            var source = fetched?.GetValueOrDefault(entry);
            if (format is null)
            {
                var own = MultipleChoiceTask.Read(source?.Files[0] ?? entry);
                choiceTasks.Add(limit is { } n ? own.First(n) : own);
                continue;
            }

            if (reference.Name is null && source is null)
            {
                throw new UserInputException($"{entry}: give the task's rows as {entry}=FILE (.parquet, .jsonl or .json); " +
                                             $"by name alone, the forgetting and gate verbs fetch its hub dataset {format.Dataset.Path} ({format.Dataset.Split} split) first");
            }

            var origin = new DatasetOrigin(format.Name, format.Dataset.Split, source?.Revision);
            var rows = await ReadRowsAsync(source?.Files ?? [reference.Path], limit, cancellationToken);
            switch (format)
            {
                case MultipleChoiceFormat choices:
                    choiceTasks.Add(MultipleChoiceTask.Of(reference.Path, [.. rows.Select(choices.Item)], origin));
                    break;
                case LambadaOpenAi:
                    lastWordTasks.Add(new LastWordTask(format.Name, reference.Path, [.. rows.Select(LambadaOpenAi.Item)], origin));
                    break;
                case Wikitext:
                    corpora.Add(TextCorpus.Of(reference.Path, [.. rows.Select(Wikitext.Document).Where(d => !string.IsNullOrWhiteSpace(d.Scored))], origin));
                    break;
                default:
                    throw new InvalidOperationException($"task {format.Name} has no reader");
            }
        }

        return new ForgettingData(corpora, choiceTasks, lastWordTasks);
    }

    /// <summary>The files task entries name as written: the PATH of <c>NAME=PATH</c>, an entry that is no task name; a bare task name names none.</summary>
    public static IEnumerable<string> TaskFiles(IEnumerable<string> tasks) =>
        tasks.Select(TaskReference.Parse).Where(r => r.Name is not null || LmEvalTasks.Find(r.Path) is null).Select(r => r.Path);

    /// <summary>The first <paramref name="limit"/> rows of the files in order, as lm-eval's <c>--limit</c> takes them; the rest is not read.</summary>
    private static async Task<List<DatasetRow>> ReadRowsAsync(IReadOnlyList<string> files, int? limit, CancellationToken cancellationToken)
    {
        var rows = new List<DatasetRow>();
        foreach (var path in files)
        {
            await foreach (var row in DatasetRows.ReadAsync(path, cancellationToken))
            {
                if (rows.Count == limit)
                {
                    return rows;
                }

                rows.Add(row);
            }
        }

        return rows.Count > 0 ? rows : throw new UserInputException($"{string.Join(", ", files)}: the dataset has no rows");
    }
}
