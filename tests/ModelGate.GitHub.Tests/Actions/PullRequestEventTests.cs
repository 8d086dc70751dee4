using ModelGate.GitHub.Actions;
using ModelGate.Testing;

namespace ModelGate.GitHub.Tests.Actions;

public sealed class PullRequestEventTests
{
    [Theory]
    [InlineData("pull_request", """{"number": 12, "pull_request": {"number": 12, "head": {"ref": "x"}}}""", 12L)]
    [InlineData("pull_request_target", """{"pull_request": {"number": 5}}""", 5L)]
    [InlineData("issue_comment", """{"issue": {"number": 9, "pull_request": {"url": "u"}}}""", 9L)]
    public void Find_EventsOfAPullRequest_GiveItsNumber(string eventName, string payload, long expected)
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("event.json"), payload);

        Assert.Equal(expected, PullRequestEvent.Find(folder.File("event.json"), eventName).Number);
    }

    [Theory]
    [InlineData("push", """{"ref": "refs/heads/main"}""", "the push event has no pull request")]
    [InlineData("issue_comment", """{"issue": {"number": 9}}""", "#9 of the issue_comment event is an issue, not a pull request")]
    [InlineData("pull_request", "not json", "is not valid JSON")]
    public void Find_EventsWithoutAPullRequest_SayWhy(string eventName, string payload, string reason)
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("event.json"), payload);

        var lookup = PullRequestEvent.Find(folder.File("event.json"), eventName);

        Assert.Null(lookup.Number);
        Assert.Contains(reason, lookup.Reason);
    }

    [Fact]
    public void Find_NoEventFile_SaysSo()
    {
        Assert.Equal("GITHUB_EVENT_PATH is not set", PullRequestEvent.Find(null, "push").Reason);
    }
}
