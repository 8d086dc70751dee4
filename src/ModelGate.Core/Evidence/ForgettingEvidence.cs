using System.Security.Cryptography;
using System.Text;
using ModelGate.Core.Errors;
using ModelGate.Core.Forgetting;
using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Core.Reporting;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Evidence;

/// <summary>
/// A forgetting report (<see cref="ForgettingReportJson"/>, measured by another job, a GPU runner) as the evidence a
/// gate takes instead of measuring: its gated metrics become the gate's observations once the report is shown to be
/// of these adapters (weights SHA-256) on this base (registry revision, else weights SHA-256), by a compatible tool
/// (same major.minor as <see cref="AnalysisParts"/> requires), with every dataset the policy names. Anything else is
/// refused naming the file.
/// </summary>
public static class ForgettingEvidence
{
    /// <summary>A report is a few hundred bytes per metric.</summary>
    private const long SizeLimit = 16L << 20;

    /// <summary>What <see cref="LoadAsync"/> will compare: the models' weights and the data files, hashed once when the measurement is made.</summary>
    public static async Task<ForgettingProvenance> IdentifyAsync(ResolvedModel baseModel, IReadOnlyList<ResolvedModel> adapters,
        IReadOnlyList<ResolvedDataset> datasets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(adapters);
        ArgumentNullException.ThrowIfNull(datasets);
        var measuredAdapters = new List<MeasuredModel>(adapters.Count);
        foreach (var adapter in adapters)
        {
            measuredAdapters.Add(await MeasureAsync(adapter, cancellationToken));
        }

        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var data in datasets)
        {
            hashes[data.Name] = await DataSha256Async(data.Files, cancellationToken);
            if (data.Pinned is { } pinned)
            {
                sources[data.Name] = pinned;
            }
        }

        return new ForgettingProvenance(await MeasureAsync(baseModel, cancellationToken), measuredAdapters, hashes) { DatasetSources = sources };
    }

    /// <summary>
    /// The observations a gate on <paramref name="baseModel"/> with <paramref name="adapters"/> would have measured under
    /// <paramref name="policy"/>, read from <paramref name="file"/>: the gated metrics of the datasets the policy names
    /// (of every dataset when it names none).
    /// </summary>
    public static async Task<IReadOnlyList<ForgettingObservation>> LoadAsync(string file, ResolvedModel baseModel, IReadOnlyList<ResolvedModel> adapters,
        ForgettingPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(adapters);
        ArgumentNullException.ThrowIfNull(policy);
        var report = await JsonEvidence.LoadAsync(file, "forgetting report", SizeLimit, Read, cancellationToken);
        if (report.ToolVersion is { } version && !AnalysisParts.IsCompatibleToolVersion(version, ToolVersion.Current))
        {
            throw new UserInputException($"{file}: was written by ModelGate {version}; this is {ToolVersion.Current} (evidence must share major.minor)");
        }

        // A report older than the identity it must carry has no tool version either: it is told by what it lacks.
        var provenance = report.Provenance
            ?? throw new UserInputException($"{file}: records no base and adapter identity, so it cannot be told from another model's report; measure forgetting again with ModelGate {ToolVersion.Current}");
        await CheckAdaptersAsync(file, provenance.Adapters, adapters, cancellationToken);
        await CheckBaseAsync(file, provenance.Base, baseModel, cancellationToken);
        var named = policy.Corpus is null && policy.Tasks.Count == 0
            ? report.Datasets
            : [.. policy.Tasks.Select(t => TaskReference.Parse(t).DatasetName).Prepend(policy.Corpus is null ? null : ForgettingDataset.NameOf(policy.Corpus)).OfType<string>()];
        foreach (var dataset in named)
        {
            CheckHasMetric(file, report, dataset);
        }

        return [.. report.Observations.Where(o => named.Contains(o.Dataset, StringComparer.Ordinal))];
    }

    private static async Task CheckAdaptersAsync(string file, IReadOnlyList<MeasuredModel> recorded, IReadOnlyList<ResolvedModel> adapters, CancellationToken cancellationToken)
    {
        var hashes = new List<string>(adapters.Count);
        foreach (var adapter in adapters)
        {
            hashes.Add((await MeasureAsync(adapter, cancellationToken)).Sha256);
        }

        if (!recorded.Select(a => a.Sha256).SequenceEqual(hashes, StringComparer.Ordinal))
        {
            throw new UserInputException($"{file}: was measured with other adapter weights ({Describe(recorded)}) than {string.Join(", ", adapters.Select(a => a.Display))} " +
                                         $"(sha256 {string.Join(", ", hashes.Select(Short))})");
        }
    }

    /// <summary>
    /// A registry version is compared by its pinned revision (a streamed base has no local weights to hash); a folder,
    /// or a report of a folder, by the weights' SHA-256.
    /// </summary>
    private static async Task CheckBaseAsync(string file, MeasuredModel recorded, ResolvedModel baseModel, CancellationToken cancellationToken)
    {
        string? problem;
        if (recorded.Revision is { } revision && baseModel.PinnedRevision is { } pinned)
        {
            problem = revision == pinned ? null : $"revision {revision}, not {baseModel.Display}'s {pinned}";
        }
        else if (StreamedFolders.SourceOf(baseModel.LocalPath) is not null)
        {
            problem = $"{(recorded.Revision is null ? "a folder" : "revision " + recorded.Revision)}, which cannot be compared with the streamed {baseModel.Display} without fetching all its weights";
        }
        else
        {
            var sha256 = (await MeasureAsync(baseModel, cancellationToken)).Sha256;
            problem = recorded.Sha256 == sha256 ? null : $"weights sha256 {Short(recorded.Sha256)}, not {baseModel.Display}'s {Short(sha256)}";
        }

        if (problem is not null)
        {
            throw new UserInputException($"{file}: was measured on another base ({recorded.Model}: {problem})");
        }
    }

    /// <summary>The metric a gate measures on the dataset: perplexity or pseudo-loss on a corpus, accuracy on a task.</summary>
    private static void CheckHasMetric(string file, Report report, string dataset)
    {
        if (!report.Datasets.Contains(dataset, StringComparer.Ordinal))
        {
            throw new UserInputException($"{file}: has no dataset {MessageText.Quote(dataset)}, which the policy's forgetting section names (it has {string.Join(", ", report.Datasets.Select(MessageText.Quote))})");
        }

        if (!report.Observations.Any(o => o.Dataset == dataset))
        {
            throw new UserInputException($"{file}: has no gated metric ({string.Join(", ", Gating.ForgettingMetric.All)}) on {MessageText.Quote(dataset)}");
        }
    }

    private static async Task<MeasuredModel> MeasureAsync(ResolvedModel model, CancellationToken cancellationToken) =>
        new(model.Display, model.ContentHash ?? (await ModelFingerprint.ComputeAsync(model.LocalPath, cancellationToken)).Sha256, model.PinnedRevision);

    /// <summary>
    /// One file's hash as it stands; a folder hashed as the list of its files; several files (a split's shards) hashed
    /// as a folder of them is.
    /// </summary>
    private static async Task<string> DataSha256Async(IReadOnlyList<string> files, CancellationToken cancellationToken) =>
        files.Count == 1 && !Directory.Exists(files[0])
            ? await FileSha256Async(files[0], cancellationToken)
            : await ListSha256Async(files.Count == 1 ? [.. Directory.EnumerateFiles(files[0]).Order(StringComparer.Ordinal)] : files, cancellationToken);

    /// <summary>The hash of "name sha256" lines, one per file in order.</summary>
    private static async Task<string> ListSha256Async(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var lines = new StringBuilder();
        foreach (var member in files)
        {
            lines.Append(Path.GetFileName(member)).Append(' ').Append(await FileSha256Async(member, cancellationToken)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())));
    }

    private static async Task<string> FileSha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private static string Describe(IReadOnlyList<MeasuredModel> models) =>
        models.Count == 0 ? "none" : string.Join(", ", models.Select(m => $"{m.Model} sha256 {Short(m.Sha256)}"));

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;

    private static Report Read(JsonEvidence root)
    {
        if (!root.Has("kind") || root.String("kind") != ForgettingReportJson.Kind)
        {
            throw root.Error("kind", $"is not {MessageText.Quote(ForgettingReportJson.Kind)}: not a forgetting report");
        }

        if (root.Int("schemaVersion") != ForgettingReportJson.SchemaVersion)
        {
            throw root.Error("schemaVersion", $"must be {ForgettingReportJson.SchemaVersion}");
        }

        var datasets = root.Array("datasets").ToArray();
        var provenance = root.Has("base")
            ? new ForgettingProvenance(Model(root.Object("base")), [.. root.Array("adapters").Select(Model)],
                datasets.Where(d => d.Has("sha256")).ToDictionary(d => d.String("name"), d => d.String("sha256"), StringComparer.Ordinal))
            {
                DatasetSources = datasets.Where(d => d.Has("source")).ToDictionary(d => d.String("name"), d => d.String("source"), StringComparer.Ordinal),
            }
            : null;
        return new Report(
            root.OptionalString("toolVersion"),
            provenance,
            [.. datasets.Select(d => d.String("name"))],
            [.. root.Array("metrics").Where(m => m.Bool("gated")).Select(Observation)]);
    }

    private static MeasuredModel Model(JsonEvidence m) => new(m.String("model"), m.String("sha256"), m.OptionalString("revision"));

    /// <summary>As the gate's own probe makes it; a delta the report could not write as a number (null) is not one.</summary>
    private static ForgettingObservation Observation(JsonEvidence m) =>
        new(m.String("metric"), m.String("dataset"), m.OptionalDouble("base") ?? double.NaN, m.OptionalDouble("merged") ?? double.NaN,
            m.OptionalDouble("delta") ?? double.NaN, m.OptionalDouble("ciLow"), m.OptionalDouble("ciHigh"))
        {
            IntervalUnavailable = m.OptionalString("intervalUnavailable"),
            MinimumDetectableEffect = m.OptionalDouble("minimumDetectableEffect"),
        };

    private sealed record Report(string? ToolVersion, ForgettingProvenance? Provenance, IReadOnlyList<string> Datasets, IReadOnlyList<ForgettingObservation> Observations);
}
