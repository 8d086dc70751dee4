using System.Text.RegularExpressions;
using ModelGate.Core.Errors;
using ModelGate.Core.Registries;

namespace ModelGate.Registries.Hub;

/// <summary>
/// hf://org/name@revision (a model) or hf://datasets/org/name@revision/path (a dataset's file or folder; the whole
/// dataset without a path), on an endpoint. Revision: a branch, tag or commit; main when left out.
/// </summary>
internal sealed partial record HubLocation(string Endpoint, string RepoId, string Revision, string Display)
{
    public const string DefaultEndpoint = "https://huggingface.co";

    private const string DatasetsPrefix = "datasets/";

    /// <summary>A dataset repository (the Hub's /api/datasets and /datasets/… URLs) rather than a model.</summary>
    public bool IsDataset { get; private init; }

    /// <summary>The file or folder of a dataset the reference names, '/'-separated; empty for the whole repository.</summary>
    public string PathInRepo { get; private init; } = "";

    /// <summary>A full commit hash: immutable, so a cached copy needs no request at all.</summary>
    public bool IsCommit => CommitHash().IsMatch(Revision);

    public static HubLocation Parse(RegistryReference reference, RegistryEnvironment environment)
    {
        var rest = reference.Original["hf://".Length..];
        var isDataset = rest.StartsWith(DatasetsPrefix, StringComparison.Ordinal);
        var (repo, revision, path) = isDataset ? SplitDataset(rest[DatasetsPrefix.Length..]) : SplitModel(rest);
        if (!RepoIdPattern().IsMatch(repo) || repo.Contains("--", StringComparison.Ordinal) || repo.Contains("..", StringComparison.Ordinal))
        {
            throw new UserInputException(isDataset
                ? $"{reference.Display}: not a Hub dataset (expected hf://datasets/org/name@revision/path)"
                : $"{reference.Display}: not a Hub repository id (expected hf://org/name or hf://name, then @revision)");
        }

        if (revision.Length == 0 || revision.Contains("..", StringComparison.Ordinal) || revision.Any(char.IsControl))
        {
            throw new UserInputException($"{reference.Display}: bad revision '{revision}' (a branch, tag or commit hash after '@')");
        }

        if (path.Length > 0)
        {
            RemoteFileNames.Check(reference.Display, path);
        }

        var endpoint = (environment.Get("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/');
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri) || endpointUri.Scheme is not ("http" or "https"))
        {
            throw new UserInputException($"HF_ENDPOINT '{SecretRedaction.Redact(endpoint)}': not an http(s) URL");
        }

        return new HubLocation(endpoint, repo, revision, reference.Display) { IsDataset = isDataset, PathInRepo = path };
    }

    /// <summary>This reference at <paramref name="revision"/>; at a commit, what reports record.</summary>
    public string At(string revision) =>
        IsDataset ? $"hf://{DatasetsPrefix}{RepoId}@{revision}{(PathInRepo.Length > 0 ? "/" + PathInRepo : "")}" : $"hf://{RepoId}@{revision}";

    // Models list their files with the revision (siblings with blobs); datasets through the tree API, by path.
    public string ApiRevisionUrl(string revision) =>
        $"{Endpoint}/api/{RepoType}/{RepoId}/revision/{Uri.EscapeDataString(revision)}{(IsDataset ? "" : "?blobs=true")}";

    public string RefsUrl => $"{Endpoint}/api/{RepoType}/{RepoId}/refs";

    /// <summary>The entries directly in <paramref name="folder"/> ('' for the root), or every file below it when <paramref name="recursive"/>.</summary>
    public string TreeUrl(string commit, string folder, bool recursive) =>
        $"{Endpoint}/api/{RepoType}/{RepoId}/tree/{commit}{(folder.Length > 0 ? "/" + Escape(folder) : "")}{(recursive ? "?recursive=true" : "")}";

    public string ResolveUrl(string commit, string path) =>
        $"{Endpoint}/{(IsDataset ? DatasetsPrefix : "")}{RepoId}/resolve/{commit}/{Escape(path)}";

    public string CacheKey(string commit) => $"hf:{Endpoint}/{(IsDataset ? DatasetsPrefix : "")}{RepoId}@{commit}{(PathInRepo.Length > 0 ? "/" + PathInRepo : "")}";

    private string RepoType => IsDataset ? "datasets" : "models";

    private static string Escape(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private static (string Repo, string Revision, string Path) SplitModel(string rest)
    {
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        return ((at < 0 ? rest : rest[..at]).Trim('/'), at < 0 ? "main" : rest[(at + 1)..], "");
    }

    /// <summary>
    /// org/name@rev/path: the revision ends at the first '/', except the Hub's refs/convert/… and refs/pr/… (two more
    /// segments), or written escaped (refs%2Fconvert%2Fparquet). Without '@' the repository is the first two segments.
    /// </summary>
    private static (string Repo, string Revision, string Path) SplitDataset(string rest)
    {
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            var segments = rest.Trim('/').Split('/', 3);
            return (string.Join('/', segments.Take(2)), "main", segments.Length > 2 ? segments[2].Trim('/') : "");
        }

        var after = rest[(at + 1)..];
        var segmentsInRevision = after.StartsWith("refs/", StringComparison.Ordinal) ? 3 : 1;
        var parts = after.Split('/', segmentsInRevision + 1);
        var revision = Uri.UnescapeDataString(string.Join('/', parts.Take(segmentsInRevision)));
        return (rest[..at].Trim('/'), revision, parts.Length > segmentsInRevision ? parts[^1].Trim('/') : "");
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHash();

    // The Hub's rule for names: letters, digits, '-', '_', '.'; at most one '/'.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")]
    private static partial Regex RepoIdPattern();
}
