using System.Text.RegularExpressions;

namespace ModelGate.Core.Registries;

/// <summary>
/// Keeps secrets out of messages: a SAS URL's signature and the other query values that grant access, user:password
/// in a URL, and a connection string's AccountKey or SharedAccessSignature.
/// </summary>
public static partial class SecretRedaction
{
    public const string Mask = "REDACTED";

    public static string Redact(string text)
    {
        var redacted = QueryValue().Replace(text, m => m.Groups["key"].Value + "=" + Mask);
        redacted = UserInfo().Replace(redacted, "${scheme}://" + Mask + "@");
        redacted = ConnectionStringSecret().Replace(redacted, m => m.Groups["key"].Value + "=" + Mask);
        return redacted;
    }

    // sig is the SAS signature; the others are accepted spellings of tokens some services take in the query.
    [GeneratedRegex(@"(?<=[?&])(?<key>sig|signature|token|access_token|code|se|skoid|sktid|skt|ske|sks|skv|saoid|suoid|sduoid)=[^&#\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex QueryValue();

    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://[^/@\s]+@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(?<key>AccountKey|SharedAccessSignature)=[^;\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringSecret();
}
