using System.Text.RegularExpressions;
using ModelGate.Core.Errors;
using ModelGate.Core.Registries;

namespace ModelGate.Registries.Hub;

/// <summary>hf://org/name@revision (revision: a branch, tag or commit; main when left out), on an endpoint.</summary>
internal sealed partial record HubLocation(string Endpoint, string RepoId, string Revision, string Display)
{
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>A full commit hash: immutable, so a cached copy needs no request at all.</summary>
    public bool IsCommit => CommitHash().IsMatch(Revision);

    public static HubLocation Parse(RegistryReference reference, RegistryEnvironment environment)
    {
        var rest = reference.Original["hf://".Length..];
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        var repo = (at < 0 ? rest : rest[..at]).Trim('/');
        var revision = at < 0 ? "main" : rest[(at + 1)..];
        if (!RepoIdPattern().IsMatch(repo) || repo.Contains("--", StringComparison.Ordinal) || repo.Contains("..", StringComparison.Ordinal))
        {
            throw new UserInputException($"{reference.Display}: not a Hub repository id (expected hf://org/name or hf://name, then @revision)");
        }

        if (revision.Length == 0 || revision.Contains("..", StringComparison.Ordinal) || revision.Any(char.IsControl))
        {
            throw new UserInputException($"{reference.Display}: bad revision '{revision}' (a branch, tag or commit hash after '@')");
        }

        var endpoint = (environment.Get("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/');
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri) || endpointUri.Scheme is not ("http" or "https"))
        {
            throw new UserInputException($"HF_ENDPOINT '{SecretRedaction.Redact(endpoint)}': not an http(s) URL");
        }

        return new HubLocation(endpoint, repo, revision, reference.Display);
    }

    public string ApiRevisionUrl(string revision) =>
        $"{Endpoint}/api/models/{RepoId}/revision/{Uri.EscapeDataString(revision)}?blobs=true";

    public string RefsUrl => $"{Endpoint}/api/models/{RepoId}/refs";

    public string ResolveUrl(string commit, string path) =>
        $"{Endpoint}/{RepoId}/resolve/{commit}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";

    public string CacheKey(string commit) => $"hf:{Endpoint}/{RepoId}@{commit}";

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHash();

    // The Hub's rule for names: letters, digits, '-', '_', '.'; at most one '/'.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")]
    private static partial Regex RepoIdPattern();
}
