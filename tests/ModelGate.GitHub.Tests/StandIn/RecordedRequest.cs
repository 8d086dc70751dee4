namespace ModelGate.GitHub.Tests.StandIn;

/// <summary>One request the stand-in received.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, string? UserAgent, string Body);
