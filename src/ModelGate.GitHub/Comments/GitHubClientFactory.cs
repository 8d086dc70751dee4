using ModelGate.Core;
using Octokit;
using Octokit.Internal;

namespace ModelGate.GitHub.Comments;

/// <summary>
/// An Octokit client on GITHUB_API_URL exactly as given. GitHubClient's own base-address constructor appends
/// /api/v3 to any host but github.com (FixUpBaseUri), which is wrong for an API URL that already has it
/// (https://HOST/api/v3, what GitHub Enterprise Server sets) and for GHE.com's api.* hosts; a Connection takes the
/// address unchanged.
/// </summary>
public static class GitHubClientFactory
{
    public static IGitHubClient Create(Uri apiUrl, string token, TimeSpan requestTimeout)
    {
        var baseAddress = apiUrl.AbsoluteUri.EndsWith('/') ? apiUrl : new Uri(apiUrl.AbsoluteUri + "/");
        var connection = new Connection(
            new ProductHeaderValue("ModelGate", ToolVersion.Current),
            baseAddress,
            new InMemoryCredentialStore(new Credentials(token)));
        var client = new GitHubClient(connection);
        client.SetRequestTimeout(requestTimeout);
        return client;
    }
}
