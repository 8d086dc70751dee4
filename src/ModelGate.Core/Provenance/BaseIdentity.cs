using System.Text.Json;
using ModelGate.Core.IO;
using ModelGate.Core.Registries;

namespace ModelGate.Core.Provenance;

/// <summary>
/// What the base given says about which model it is: a Hub id and revision when it came from <c>hf://</c>, the
/// <c>_name_or_path</c> transformers wrote into its <c>config.json</c>, and the name of its folder or location.
/// </summary>
internal sealed record BaseIdentity(string Display, string? HubId, string? HubRevision, string? PinnedCommit, string? NameOrPath, string LocationName)
{
    private const string HubScheme = "hf://";

    /// <summary>The names that identify the model, most telling first.</summary>
    public IEnumerable<string> Names => new[] { HubId, NameOrPath }.OfType<string>();

    public static BaseIdentity Of(ResolvedModel model)
    {
        var (hubId, hubRevision) = HubParts(model.Display);
        var (_, pinned) = model.PinnedRevision is { } p ? HubParts(p) : (null, null);
        return new BaseIdentity(model.Display, hubId, hubRevision, pinned, NameOrPathIn(model.LocalPath), LocationNameOf(model));
    }

    /// <summary>hf://org/name@revision → (org/name, revision); the Hub reads main when no revision is given.</summary>
    private static (string? Id, string? Revision) HubParts(string reference)
    {
        if (!reference.StartsWith(HubScheme, StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }

        var rest = reference[HubScheme.Length..];
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? (rest.Trim('/'), "main") : (rest[..at].Trim('/'), rest[(at + 1)..]);
    }

    /// <summary>transformers' <c>_name_or_path</c> in the base's config.json, when it wrote one; a config that cannot be read says nothing here.</summary>
    private static string? NameOrPathIn(string folder)
    {
        var path = Path.Combine(folder, "config.json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(BoundedFile.ReadAllBytes(path, BoundedFile.ConfigLimit, "model config"));
            return doc.RootElement.ValueKind == JsonValueKind.Object &&
                   doc.RootElement.TryGetProperty("_name_or_path", out var e) && e.ValueKind == JsonValueKind.String &&
                   !string.IsNullOrWhiteSpace(e.GetString())
                ? e.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string LocationNameOf(ResolvedModel model)
    {
        var reference = model.Display.Contains("://", StringComparison.Ordinal) ? model.Display : model.LocalPath;
        var query = reference.IndexOf('?', StringComparison.Ordinal);
        var path = (query < 0 ? reference : reference[..query]).TrimEnd('/', '\\');
        var name = LastSegment(path);
        var at = name.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? name : name[..at];
    }

    public static string LastSegment(string path)
    {
        var trimmed = path.TrimEnd('/', '\\');
        return trimmed[(trimmed.LastIndexOfAny(['/', '\\']) + 1)..];
    }
}
