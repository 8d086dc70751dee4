using System.Collections;

namespace ModelGate.GitHub.Actions;

/// <summary>
/// The GITHUB_* variables a workflow step sees (docs: "Store information in variables", default environment
/// variables). Read through a lookup so tests and other front ends can hand in their own.
/// </summary>
public sealed class ActionsEnvironment
{
    private readonly Func<string, string?> _lookup;

    public ActionsEnvironment(Func<string, string?> lookup)
    {
        _lookup = name => lookup(name) is { Length: > 0 } value ? value : null;
    }

    public static ActionsEnvironment FromProcess() => new(Environment.GetEnvironmentVariable);

    public static ActionsEnvironment FromDictionary(IReadOnlyDictionary<string, string?> variables) =>
        new(name => variables.TryGetValue(name, out var value) ? value : null);

    /// <summary>A snapshot of this process's variables, for a front end that must not see later changes.</summary>
    public static ActionsEnvironment Snapshot()
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            copy[(string)entry.Key] = entry.Value as string;
        }

        return FromDictionary(copy);
    }

    /// <summary>True inside a GitHub Actions step (GITHUB_ACTIONS=true).</summary>
    public bool IsActions => string.Equals(_lookup("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase);

    public string? Token => _lookup("GITHUB_TOKEN");

    /// <summary>owner/name.</summary>
    public string? Repository => _lookup("GITHUB_REPOSITORY");

    public string? EventName => _lookup("GITHUB_EVENT_NAME");

    public string? EventPath => _lookup("GITHUB_EVENT_PATH");

    /// <summary>The REST API root: https://api.github.com, https://HOST/api/v3 on GitHub Enterprise Server.</summary>
    public Uri ApiUrl => ParseUrl("GITHUB_API_URL") ?? new Uri("https://api.github.com/");

    /// <summary>The web root: https://github.com or the Enterprise host.</summary>
    public Uri ServerUrl => ParseUrl("GITHUB_SERVER_URL") ?? new Uri("https://github.com/");

    public string? RunId => _lookup("GITHUB_RUN_ID");

    public string? RunAttempt => _lookup("GITHUB_RUN_ATTEMPT");

    /// <summary>The job's id in the workflow (the same for every entry of a matrix).</summary>
    public string? Job => _lookup("GITHUB_JOB");

    public string? StepSummaryPath => _lookup("GITHUB_STEP_SUMMARY");

    public string? OutputPath => _lookup("GITHUB_OUTPUT");

    /// <summary>The page of this workflow run, where the job summary shows; null outside a run.</summary>
    public Uri? RunUrl
    {
        get
        {
            if (Repository is null || RunId is null)
            {
                return null;
            }

            var attempt = RunAttempt is { } a && a != "1" ? $"/attempts/{Uri.EscapeDataString(a)}" : "";
            return new Uri(ServerUrl, $"{Repository}/actions/runs/{Uri.EscapeDataString(RunId)}{attempt}");
        }
    }

    private Uri? ParseUrl(string name)
    {
        if (_lookup(name) is not { } raw)
        {
            return null;
        }

        // A base address must end in '/', or relative paths replace its last segment (…/api/v3 + repos → …/api/repos).
        var withSlash = raw.EndsWith('/') ? raw : raw + "/";
        return Uri.TryCreate(withSlash, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new FormatException($"{name} must be an absolute http(s) URL, got '{raw}'");
    }
}
