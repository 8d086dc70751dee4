using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.GitHub.Actions;

/// <summary>
/// Finds the pull request a workflow run belongs to from its event payload (GITHUB_EVENT_PATH):
/// pull_request, pull_request_target and the review events carry `pull_request.number`; issue_comment carries
/// `issue.number` with an `issue.pull_request` object when the issue is a pull request. push, schedule,
/// workflow_dispatch and merge_group have none.
/// </summary>
public static class PullRequestEvent
{
    public static PullRequestLookup Find(string? eventPath, string? eventName)
    {
        var name = eventName ?? "this";
        if (eventPath is null)
        {
            return PullRequestLookup.None("GITHUB_EVENT_PATH is not set");
        }

        if (!File.Exists(eventPath))
        {
            return PullRequestLookup.None($"the event file {eventPath} does not exist");
        }

        try
        {
            using var stream = BoundedFile.OpenRead(eventPath, BoundedFile.ConfigLimit, "GitHub event file");
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return PullRequestLookup.None($"the event file {eventPath} is not a JSON object");
            }

            if (root.TryGetProperty("pull_request", out var pullRequest) && Number(pullRequest) is { } prNumber)
            {
                return PullRequestLookup.Found(prNumber);
            }

            if (root.TryGetProperty("issue", out var issue) && Number(issue) is { } issueNumber)
            {
                return issue.TryGetProperty("pull_request", out var link) && link.ValueKind == JsonValueKind.Object
                    ? PullRequestLookup.Found(issueNumber)
                    : PullRequestLookup.None($"#{issueNumber} of the {name} event is an issue, not a pull request");
            }

            return PullRequestLookup.None($"the {name} event has no pull request");
        }
        catch (JsonException e)
        {
            return PullRequestLookup.None($"the event file {eventPath} is not valid JSON ({e.Message})");
        }
        catch (IOException e)
        {
            return PullRequestLookup.None($"the event file {eventPath} could not be read ({e.Message})");
        }
        catch (UserInputException e)
        {
            // Not a regular file, or far larger than any event payload.
            return PullRequestLookup.None(e.Message);
        }
    }

    private static long? Number(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("number", out var number)
        && number.ValueKind == JsonValueKind.Number
        && number.TryGetInt64(out var value)
        && value > 0
            ? value
            : null;
}
