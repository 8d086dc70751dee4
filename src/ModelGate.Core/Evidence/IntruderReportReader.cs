using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
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

    public static async Task<IntruderReport> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"{path}: analysis file not found");
        }

        JsonDocument document;
        try
        {
            await using var stream = BoundedFile.OpenRead(path, SizeLimit, "analysis file");
            document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: analysis is not valid JSON (line {e.LineNumber + 1})");
        }

        using (document)
        {
            if (JsonStrings.FindUnreadable(document.RootElement) is { } unreadable)
            {
                throw new UserInputException($"{path}: {JsonStrings.Describe(unreadable)}");
            }

            return Read(new Fields(document.RootElement, path, "$"));
        }
    }

    private static IntruderReport Read(Fields root)
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

    private static ShardProvenance Shard(Fields shard)
    {
        var (index, count) = (shard.Int("index"), shard.Int("count"));
        if (count < 1 || index < 1 || index > count)
        {
            throw shard.Error("index", $"must be between 1 and count ({count}), got {index}");
        }

        return new ShardProvenance(new AnalysisShard(index, count), shard.Int("modules"), shard.String("modulesDigest"),
            [.. shard.Array("adapterSha256").Select(a => a.Self())]);
    }

    private static ModuleIntruders Module(Fields m) => new()
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

    /// <summary>One JSON value with where it is, so every error names the file and the JSON path.</summary>
    private sealed record Fields(JsonElement Element, string File, string At)
    {
        public UserInputException Error(string name, string problem) => new($"{File}: {At}.{name} {problem}");

        public bool Has(string name) => Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

        public string String(string name) => Get(name, JsonValueKind.String, "a string").Self();

        public string? OptionalString(string name) => Has(name) ? String(name) : null;

        public int Int(string name) => (int)Get(name, JsonValueKind.Number, "a number").SelfLong();

        public int? OptionalInt(string name) => Has(name) ? Int(name) : null;

        public long Long(string name) => Get(name, JsonValueKind.Number, "a number").SelfLong();

        public double Double(string name) => Get(name, JsonValueKind.Number, "a number").SelfDouble();

        public Fields Object(string name) => Get(name, JsonValueKind.Object, "an object");

        public IEnumerable<Fields> Array(string name)
        {
            var array = Get(name, JsonValueKind.Array, "an array");
            return array.Element.EnumerateArray().Select((e, i) => new Fields(e, File, $"{array.At}[{i}]")).ToArray();
        }

        public string Self() => Element.ValueKind == JsonValueKind.String
            ? Element.GetString()!
            : throw new UserInputException($"{File}: {At} must be a string");

        public long SelfLong() => Element.ValueKind == JsonValueKind.Number && Element.TryGetInt64(out var v)
            ? v
            : throw new UserInputException($"{File}: {At} must be a whole number");

        public double SelfDouble() => Element.ValueKind == JsonValueKind.Number
            ? Element.GetDouble()
            : throw new UserInputException($"{File}: {At} must be a number");

        private Fields Get(string name, JsonValueKind kind, string what) =>
            Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var v) && v.ValueKind == kind
                ? new Fields(v, File, $"{At}.{name}")
                : throw Error(name, $"is missing or not {what}");
    }
}
