using ModelGate.Core.Reporting;
using ModelGate.Core.Spectral;
using ModelGate.Core.Spectral.Sharding;

namespace ModelGate.Core.Evidence;

/// <summary>
/// Reads back what <see cref="IntruderReportJson"/> wrote (<c>analyze --format json</c>), as the evidence a gate
/// combines instead of computing it. Anything missing or of the wrong type is a user error naming the file and field.
/// </summary>
public static class IntruderReportReader
{
    /// <summary>Big enough for thousands of modules; an analysis is a few hundred bytes per module.</summary>
    private const long SizeLimit = 256L << 20;

    public static Task<IntruderReport> LoadAsync(string path, CancellationToken cancellationToken) =>
        JsonEvidence.LoadAsync(path, "analysis", SizeLimit, Read, cancellationToken);

    private static IntruderReport Read(JsonEvidence root)
    {
        if (root.Int("schemaVersion") != IntruderReportJson.SchemaVersion)
        {
            throw root.Error("schemaVersion", $"must be {IntruderReportJson.SchemaVersion}");
        }

        var kind = root.String("kind") switch
        {
            "adapter" => ComparisonKind.Adapter,
            "full-fine-tune" => ComparisonKind.FullFineTune,
            _ => throw root.Error("kind", "must be adapter or full-fine-tune (is this an analysis report?)"),
        };
        return new IntruderReport
        {
            ToolVersion = root.String("toolVersion"),
            Kind = kind,
            BaseModel = root.String("baseModel"),
            Tuned = [.. root.Array("tuned").Select(t => t.Self())],
            K = root.Int("k"),
            Epsilon = root.Double("epsilon"),
            ModuleFilter = root.OptionalString("moduleFilter"),
            Method = root.String("method"),
            Tolerance = root.Double("tolerance"),
            CacheFolder = root.OptionalString("cacheFolder"),
            CacheMisses = root.Has("cacheMisses") ? root.Int("cacheMisses") : 0,
            Spectra = root.OptionalString("spectra"),
            SpectraFetched = root.Has("spectraFetched") ? root.Int("spectraFetched") : 0,
            BytesFetched = root.Long("bytesFetched"),
            Shard = root.Has("shard") ? Shard(root.Object("shard")) : null,
            Device = root.String("device"),
            Elapsed = TimeSpan.FromSeconds(root.Double("elapsedSeconds")),
            Modules = [.. root.Array("modules").Select(Module)],
            Warnings = [.. root.Array("warnings").Select(w => w.Self())],
        };
    }

    private static ShardProvenance Shard(JsonEvidence shard)
    {
        var (index, count) = (shard.Int("index"), shard.Int("count"));
        if (count < 1 || index < 1 || index > count)
        {
            throw shard.Error("index", $"must be between 1 and count ({count}), got {index}");
        }

        return new ShardProvenance(new AnalysisShard(index, count), shard.Int("modules"), shard.String("modulesDigest"),
            [.. shard.Array("adapterSha256").Select(a => a.Self())]);
    }

    private static ModuleIntruders Module(JsonEvidence m) => new()
    {
        Name = m.String("name"),
        Layer = m.OptionalInt("layer"),
        Shape = [.. m.Array("shape").Select(d => d.SelfLong())],
        Intruders = m.Int("intruders"),
        Method = m.String("method"),
        RelativeResidual = m.Double("relativeResidual"),
        IntruderRanks = [.. m.Array("intruderRanks").Select(r => (int)r.SelfLong())],
        MaxCosines = [.. m.Array("maxCosines").Select(c => c.SelfDouble())],
        SingularValues = [.. m.Array("singularValues").Select(c => c.SelfDouble())],
        BaseSingularValues = [.. m.Array("baseSingularValues").Select(c => c.SelfDouble())],
        SweepCounts = [.. m.Array("sweep").Select(c => (int)c.SelfLong())],
        BaseKey = m.OptionalString("baseKey"),
    };
}
