namespace ModelGate.GitHub.Comments;

/// <summary>The gate's comment after this run: created or updated, its id and web address.</summary>
public sealed record CommentResult(CommentAction Action, long Id, string? Url);
