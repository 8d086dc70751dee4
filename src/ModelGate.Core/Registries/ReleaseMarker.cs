using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelGate.Core.Registries;

/// <summary>
/// <c>_RELEASED.json</c>: written last into a release version, after every file of it. A version without it was
/// never released (or its promotion was cut short); readers ignore it.
/// </summary>
public sealed record ReleaseMarker
{
    public const string FileName = "_RELEASED.json";
    public const string Kind = "modelgate.release";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public int SchemaVersion { get; init; } = 1;

    [JsonPropertyName("kind")]
    public string MarkerKind { get; init; } = Kind;

    /// <summary>The gate's verdict (pass, or warn when the policy allowed the release); null for a merged model, which no gate decided.</summary>
    public string? Verdict { get; init; }

    /// <summary>The gate's count; null for a merged model.</summary>
    public int? TotalIntruders { get; init; }

    /// <summary>
    /// The adapter as given to the gate (secrets redacted) and the version it resolved to; for a merged model, the
    /// adapters merged, in the order applied, joined by " + ".
    /// </summary>
    public required string Adapter { get; init; }

    public string? AdapterVersion { get; init; }

    public string? Base { get; init; }

    public required DateTimeOffset ReleasedAt { get; init; }

    public required string Tool { get; init; }

    /// <summary>The release's files (the adapter's, the verdict and report; or the merged model's) with their SHA-256.</summary>
    public required IReadOnlyList<ReleasedFile> Files { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The marker in <paramref name="text"/>; null for no text or text that is not a marker.</summary>
    public static ReleaseMarker? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            var marker = JsonSerializer.Deserialize<ReleaseMarker>(text, Json);
            return marker?.MarkerKind == Kind ? marker : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
