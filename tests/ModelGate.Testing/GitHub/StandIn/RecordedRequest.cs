namespace ModelGate.Testing.GitHub.StandIn;

/// <summary>One request the stand-in received.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, string? UserAgent, string Body);
