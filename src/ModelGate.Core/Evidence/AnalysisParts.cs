using System.Globalization;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Spectral.Publishing;
using ModelGate.Core.Spectral.Sharding;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Evidence;

/// <summary>
/// Combines the shards of an analysis (the JSON report of one shard each, one per CI job) into the report one
/// unsharded analysis would have made, after checking that they belong together and to the base and adapters being
/// gated: every module of the full list in exactly one part, each part cut from that list by the same split, from
/// these adapters' weights (SHA-256) and this base's tensors (their content keys), counted with the same k, ε,
/// method, tolerance and module pattern, by a compatible tool (same major.minor). Anything else is refused naming the file.
/// </summary>
public static class AnalysisParts
{
    /// <summary>
    /// The parts in <paramref name="files"/>, checked against <paramref name="baseModel"/>, <paramref name="adapterModels"/>
    /// and <paramref name="settings"/>, as one report. With <paramref name="published"/>, the manifest of the spectra the
    /// parts were analysed with, a streamed base whose files its publisher scanned (<see cref="SpectraManifest.Scanned"/>)
    /// has each module's content key taken from the manifest, so the final job reads headers only instead of fetching
    /// every analysed matrix to hash it; <paramref name="cancellationToken"/> stops it.
    /// </summary>
    public static async Task<IntruderReport> CombineAsync(IReadOnlyList<string> files, ResolvedModel baseModel, IReadOnlyList<ResolvedModel> adapterModels,
        AnalysisSettings settings, SpectraManifest? published, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(adapterModels);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfZero(files.Count);
        settings.Validate();
        var parts = new List<(string File, IntruderReport Report, ShardProvenance Shard)>(files.Count);
        foreach (var file in files)
        {
            var report = await IntruderReportReader.LoadAsync(file, cancellationToken);
            var shard = report.Shard ?? throw new UserInputException($"{file}: not a shard of an analysis (it records no 'shard'): a whole analysis cannot be combined");
            CheckSettings(file, report, settings);
            parts.Add((file, report, shard));
        }

        using var baseWeights = await ModelWeights.OpenAsync(baseModel.LocalPath, cancellationToken);
        using var adapters = AdapterStack.Load([.. adapterModels.Select(a => a.LocalPath)]);
        var modules = AnalysedModules.Of(baseWeights, adapters, settings);
        var names = modules.Select(m => m.TensorName).ToArray();
        var digest = ShardPlanner.Digest(names);
        var adapterHashes = new List<string>(adapterModels.Count);
        foreach (var adapter in adapterModels)
        {
            adapterHashes.Add((await ModelFingerprint.ComputeAsync(adapter.LocalPath, cancellationToken)).Sha256);
        }

        var count = parts[0].Shard.Shard.Count;
        var shardOf = ShardPlanner.Assign(names, [.. modules.Select(m => AnalysedModules.Cost(m, settings.Method))], count);
        var expected = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => (Position: x.i, Shard: shardOf[x.i]), StringComparer.Ordinal);
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        var byIndex = new Dictionary<int, string>();
        foreach (var (file, report, shard) in parts)
        {
            if (shard.Shard.Count != count)
            {
                throw new UserInputException($"{file}: is shard {shard.Shard} but {parts[0].File} is of {count} shards: all parts must come from one split");
            }

            if (!byIndex.TryAdd(shard.Shard.Index, file))
            {
                throw new UserInputException($"{file}: overlaps {byIndex[shard.Shard.Index]}: both are shard {shard.Shard}");
            }

            if (shard.ModulesDigest != digest || shard.TotalModules != names.Length)
            {
                throw new UserInputException($"{file}: was cut from another module list ({shard.TotalModules} modules, digest {Short(shard.ModulesDigest)}) than " +
                                             $"{baseModel.Display} with these adapters gives ({names.Length}, {Short(digest)}): another base, adapter or module pattern");
            }

            if (!shard.AdapterSha256.SequenceEqual(adapterHashes, StringComparer.Ordinal))
            {
                throw new UserInputException($"{file}: was computed from other adapter weights (sha256 {string.Join(", ", shard.AdapterSha256.Select(Short))}) " +
                                             $"than {string.Join(", ", adapterModels.Select(a => a.Display))} ({string.Join(", ", adapterHashes.Select(Short))})");
            }

            foreach (var module in report.Modules)
            {
                if (owner.TryGetValue(module.Name, out var other))
                {
                    throw new UserInputException($"{file}: overlaps {other}: both analysed {MessageText.Quote(module.Name)}");
                }

                if (!expected.TryGetValue(module.Name, out var place) || place.Shard != shard.Shard.Index)
                {
                    throw new UserInputException($"{file}: has {MessageText.Quote(module.Name)}, which is not in shard {shard.Shard} of this base and adapters");
                }

                owner[module.Name] = file;
            }
        }

        if (names.FirstOrDefault(n => !owner.ContainsKey(n)) is { } missing)
        {
            var absent = Enumerable.Range(1, count).Where(i => !byIndex.ContainsKey(i)).Select(i => $"{i.ToString(CultureInfo.InvariantCulture)}/{count.ToString(CultureInfo.InvariantCulture)}");
            throw new UserInputException($"analysis parts missing: no part has {MessageText.Quote(missing)} (shards not given: {string.Join(", ", absent)})");
        }

        await CheckBaseAsync(parts, baseWeights, modules, baseModel.Display, published, cancellationToken);
        return Combine(parts.Select(p => p.Report).ToArray(), expected, baseModel, adapterModels);
    }

    /// <summary>Same major.minor: a patch release computes the same numbers; a minor one may not.</summary>
    public static bool IsCompatibleToolVersion(string version, string current) => MajorMinor(version) == MajorMinor(current);

    private static string MajorMinor(string version) => string.Join('.', version.Split('-', '+')[0].Split('.').Take(2));

    private static void CheckSettings(string file, IntruderReport report, AnalysisSettings settings)
    {
        var inv = CultureInfo.InvariantCulture;
        var tolerance = settings.Method == AnalysisMethod.FullSvd ? 0 : settings.Tolerance;
        string? problem =
            report.Kind != ComparisonKind.Adapter ? "is an analysis of a full fine-tune, not of adapters"
            : !IsCompatibleToolVersion(report.ToolVersion, ToolVersion.Current) ? $"was written by ModelGate {report.ToolVersion}; this is {ToolVersion.Current} (parts must share major.minor)"
            : report.K != settings.K ? $"was counted with k = {report.K.ToString(inv)}; this gate uses k = {settings.K.ToString(inv)}"
            : report.Epsilon != settings.Epsilon ? $"was counted with ε = {report.Epsilon.ToString(inv)}; this gate uses ε = {settings.Epsilon.ToString(inv)}"
            : report.Method != settings.Method ? $"was computed with method {report.Method}; this gate uses {settings.Method}"
            : report.Tolerance != tolerance ? $"was computed to tolerance {report.Tolerance.ToString(inv)}; this gate uses {tolerance.ToString(inv)}"
            : report.ModuleFilter != (string.IsNullOrEmpty(settings.Modules) ? null : settings.Modules) ? $"was limited to modules '{report.ModuleFilter}'; this gate uses '{settings.Modules}'"
            : null;
        if (problem is not null)
        {
            throw new UserInputException($"{file}: {problem}");
        }
    }

    /// <summary>
    /// Each module's base tensor, hashed as the spectrum cache keys it; a streamed base is read by range, tensor by tensor,
    /// except where its published spectra's publisher scanned the tensor's file and lists its key (see CombineAsync).
    /// </summary>
    private static async Task CheckBaseAsync(IReadOnlyList<(string File, IntruderReport Report, ShardProvenance Shard)> parts, ModelWeights baseWeights,
        IReadOnlyList<TensorUpdate> modules, string baseName, SpectraManifest? published, CancellationToken cancellationToken)
    {
        var keys = parts.SelectMany(p => p.Report.Modules.Select(m => (p.File, m.Name, m.BaseKey))).ToDictionary(x => x.Name, x => (x.File, x.BaseKey), StringComparer.Ordinal);
        var streamed = StreamedFolders.SourceOf(baseWeights.Folder) is not null;
        var scannedFiles = published is null || !streamed
            ? []
            : baseWeights.ShardIdentities.Where(published.Scanned).Select(i => i.FileName).ToHashSet(StringComparer.Ordinal);
        foreach (var module in modules)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (file, recorded) = keys[module.TensorName];
            string key;
            if (scannedFiles.Contains(baseWeights.ShardOf(module.TensorName))
                && published!.Tensors.TryGetValue(module.TensorName, out var listed) && listed.Layout == module.Layout.ToString())
            {
                key = listed.Key;
            }
            else
            {
                using var fetched = await baseWeights.FetchAsync(module.Base, cancellationToken);
                key = SpectrumKey.Compute(baseWeights, module.Base, module.Layout).Hex;
            }

            if (recorded != key)
            {
                throw new UserInputException($"{file}: {MessageText.Quote(module.TensorName)} was computed from another base: its tensor's content key is {Short(recorded ?? "missing")}, {baseName}'s is {Short(key)}");
            }
        }
    }

    private static IntruderReport Combine(IReadOnlyList<IntruderReport> reports, Dictionary<string, (int Position, int Shard)> expected,
        ResolvedModel baseModel, IReadOnlyList<ResolvedModel> adapterModels)
    {
        var first = reports[0];
        return first with
        {
            BaseModel = baseModel.Display,
            Tuned = [.. adapterModels.Select(a => a.Display)],
            CacheFolder = reports.Select(r => r.CacheFolder).FirstOrDefault(c => c is not null),
            CacheMisses = reports.Sum(r => r.CacheMisses),
            Spectra = reports.Select(r => r.Spectra).FirstOrDefault(s => s is not null),
            SpectraFetched = reports.Sum(r => r.SpectraFetched),
            BytesFetched = reports.Sum(r => r.BytesFetched),
            Shard = null,
            Elapsed = TimeSpan.FromTicks(reports.Sum(r => r.Elapsed.Ticks)),
            Modules = [.. reports.SelectMany(r => r.Modules).OrderBy(m => expected[m.Name].Position).Select(m => m with { BaseKey = null })],
            Warnings = [.. reports.SelectMany(r => r.Warnings).Distinct(StringComparer.Ordinal)],
        };
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;
}
