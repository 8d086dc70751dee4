namespace ModelGate.GitHub.Comments;

/// <summary>
/// Keeps the token out of everything the gate writes: a server or a library may echo request details into an
/// error message, and our messages end up in logs, annotations and step summaries that outlive the run.
/// </summary>
public sealed class SecretRedactor(params string?[] secrets)
{
    private readonly string[] _secrets = secrets.Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).OrderByDescending(s => s.Length).ToArray();

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }
}
