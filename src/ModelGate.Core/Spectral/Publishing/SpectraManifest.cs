using System.Text.Json;
using System.Text.Json.Serialization;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Spectral.Publishing;

/// <summary>
/// <c>manifest.json</c> of a published spectra location: which entries (<c>&lt;key&gt;.safetensors</c>, the local
/// cache's file format and key) are there, and which base tensor names they belong to. It is written last, after
/// every entry it lists, so a listed entry always exists; entries themselves are verified by their own checksum.
/// Several publishers merge into it (see <c>SpectrumPublisher</c>). See docs/spectrum-cache.md.
/// </summary>
public sealed record SpectraManifest
{
    public const string FileName = "manifest.json";
    public const string FormatName = "modelgate-spectra";
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Format { get; init; } = FormatName;

    public int FormatVersion { get; init; } = CurrentVersion;

    /// <summary>The ModelGate version that last wrote the manifest.</summary>
    public string ToolVersion { get; init; } = "";

    /// <summary>Entry key (32 hex digits) → what it holds.</summary>
    public SortedDictionary<string, SpectraManifestEntry> Entries { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Base tensor name → its entry's key: what a reader of the manifest (or a person) can look up by name.</summary>
    public SortedDictionary<string, SpectraManifestTensor> Tensors { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Base weight file name → what the publisher scanned: the files of the base found free of NaN and infinities when
    /// the spectra were published (see <see cref="SpectraManifestBaseFile"/>).
    /// </summary>
    public SortedDictionary<string, SpectraManifestBaseFile> BaseFiles { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The shards of <paramref name="streamed"/> this manifest says were scanned in full by its publisher.</summary>
    public bool Scanned(ShardIdentity streamed)
    {
        ArgumentNullException.ThrowIfNull(streamed);
        return BaseFiles.TryGetValue(streamed.FileName, out var file) && streamed.IsDescribedBy(file.IdentityOf(streamed.FileName));
    }

    public static SpectraManifest Parse(string text, string where)
    {
        SpectraManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<SpectraManifest>(text, Json);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{where}: {FileName} is not valid JSON ({e.Message})", e);
        }

        if (manifest is null || manifest.Format != FormatName)
        {
            throw new UserInputException($"{where}: {FileName} is not a {FormatName} manifest");
        }

        if (manifest.FormatVersion != CurrentVersion)
        {
            throw new UserInputException($"{where}: {FileName} is format version {manifest.FormatVersion}; this ModelGate reads version {CurrentVersion} (update the tool)");
        }

        return manifest with
        {
            Entries = new SortedDictionary<string, SpectraManifestEntry>(manifest.Entries ?? [], StringComparer.Ordinal),
            Tensors = new SortedDictionary<string, SpectraManifestTensor>(manifest.Tensors ?? [], StringComparer.Ordinal),
            BaseFiles = new SortedDictionary<string, SpectraManifestBaseFile>(manifest.BaseFiles ?? [], StringComparer.Ordinal),
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>This manifest with <paramref name="other"/>'s entries and names added (theirs kept, ours win on a name both have).</summary>
    public SpectraManifest MergedInto(SpectraManifest other)
    {
        var entries = new SortedDictionary<string, SpectraManifestEntry>(other.Entries, StringComparer.Ordinal);
        foreach (var (key, entry) in Entries)
        {
            entries[key] = entry;
        }

        var tensors = new SortedDictionary<string, SpectraManifestTensor>(other.Tensors, StringComparer.Ordinal);
        foreach (var (name, tensor) in Tensors)
        {
            tensors[name] = tensor;
        }

        var baseFiles = new SortedDictionary<string, SpectraManifestBaseFile>(other.BaseFiles, StringComparer.Ordinal);
        foreach (var (name, file) in BaseFiles)
        {
            baseFiles[name] = file;
        }

        return this with { Entries = entries, Tensors = tensors, BaseFiles = baseFiles };
    }
}
