using Octokit;

namespace ModelGate.GitHub.Comments;

/// <summary>
/// Keeps one comment per marker on a pull request: finds the comment carrying the marker among all of the PR's
/// comments (every page of the listing) and edits it, or creates it when there is none. The list-then-write is
/// retried as a whole, so a create that reached GitHub before an error is found on the next try instead of being
/// posted twice.
/// </summary>
public sealed class PullRequestCommenter(IGitHubClient client, GitHubRetry retry)
{
    /// <summary>GitHub's largest page; fewer round trips on busy pull requests.</summary>
    private const int PageSize = 100;

    public Task<CommentResult> UpsertAsync(string owner, string name, long number, CommentMarker marker, string body, CancellationToken cancellationToken)
    {
        if (!marker.IsIn(body))
        {
            throw new ArgumentException("the comment body must carry its marker, or the next run could not find it", nameof(body));
        }

        return retry.RunAsync(
            $"commenting on {owner}/{name}#{number}",
            () => UpsertOnceAsync(owner, name, number, marker, body),
            cancellationToken);
    }

    private async Task<CommentResult> UpsertOnceAsync(string owner, string name, long number, CommentMarker marker, string body)
    {
        var comments = await client.Issue.Comment.GetAllForIssue(owner, name, number, new ApiOptions { PageSize = PageSize }).ConfigureAwait(false);

        // The newest one carrying the marker: if an old race left two, the one readers see last is kept current.
        var mine = comments.LastOrDefault(c => marker.IsIn(c.Body));
        if (mine is not null)
        {
            if (string.Equals(mine.Body, body, StringComparison.Ordinal))
            {
                return new CommentResult(CommentAction.Unchanged, mine.Id, mine.HtmlUrl);
            }

            try
            {
                var updated = await client.Issue.Comment.Update(owner, name, mine.Id, body).ConfigureAwait(false);
                return new CommentResult(CommentAction.Updated, updated.Id, updated.HtmlUrl);
            }
            catch (NotFoundException)
            {
                // Deleted between the listing and the edit: post a new one below.
            }
        }

        var created = await client.Issue.Comment.Create(owner, name, number, body).ConfigureAwait(false);
        return new CommentResult(CommentAction.Created, created.Id, created.HtmlUrl);
    }
}
