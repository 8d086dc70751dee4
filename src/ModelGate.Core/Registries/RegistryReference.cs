using ModelGate.Core.Errors;

namespace ModelGate.Core.Registries;

/// <summary>
/// What the user wrote for --base, --adapter or --promote: a plain folder or a URI whose scheme picks the registry.
/// <see cref="Display"/> is the only form that may appear in messages and reports: SAS signatures and other secrets
/// in the query string are redacted.
/// </summary>
public sealed record RegistryReference
{
    private RegistryReference(string scheme, string original, Uri? uri)
    {
        Scheme = scheme;
        Original = original;
        Uri = uri;
        Display = uri is null ? original : SecretRedaction.Redact(original);
    }

    /// <summary>Lower-case scheme: file for plain paths.</summary>
    public string Scheme { get; }

    /// <summary>Exactly what was given (may carry a SAS token: never print it).</summary>
    public string Original { get; }

    /// <summary>The parsed URI; null for a plain path.</summary>
    public Uri? Uri { get; }

    /// <summary>What messages and reports show.</summary>
    public string Display { get; }

    /// <summary>A plain local path (no scheme), or file://.</summary>
    public bool IsLocalPath => Scheme == "file";

    public static RegistryReference Parse(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new UserInputException("a model location is empty: give a folder or a registry URI (file://, az://, hf://, https://)");
        }

        var separator = value.IndexOf("://", StringComparison.Ordinal);
        // "C:\models" and "./a://b" are paths: a scheme is letters, digits, + - . starting with a letter, before "://".
        if (separator <= 1 || !IsScheme(value[..separator]))
        {
            return new RegistryReference("file", value, null);
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            throw new UserInputException($"{SecretRedaction.Redact(value)}: not a valid URI");
        }

        if (uri.IsFile && uri.Host.Length > 0)
        {
            // file://host/x is a UNC share (\\host\x), which on Linux and macOS is no path at all; most often it is
            // a local path missing its third slash.
            throw new UserInputException(
                $"{SecretRedaction.Redact(value)}: a file URI with a host ('{uri.Host}') names a network share, which ModelGate does not read; for the local folder /{uri.Host}{Uri.UnescapeDataString(uri.AbsolutePath)} write file:///{uri.Host}{uri.AbsolutePath}, or give a plain path");
        }

        return new RegistryReference(uri.Scheme.ToLowerInvariant(), value, uri);
    }

    /// <summary>The local path of a plain path or file:// reference.</summary>
    public string LocalPath => Uri is null ? Original : Uri.LocalPath;

    /// <summary>
    /// The reference <paramref name="name"/> below this one, keeping the query (a SAS token) at the end:
    /// az://models/released/bot + v7 → az://models/released/bot/v7.
    /// </summary>
    public RegistryReference Append(string name)
    {
        var query = Original.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? Original : Original[..query];
        var rest = query < 0 ? "" : Original[query..];
        var escaped = Uri is null ? name : string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
        return Parse(path.TrimEnd('/') + "/" + escaped + rest);
    }

    public override string ToString() => Display;

    private static bool IsScheme(string candidate) =>
        char.IsAsciiLetter(candidate[0]) && candidate.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
}
