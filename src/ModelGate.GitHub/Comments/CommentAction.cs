namespace ModelGate.GitHub.Comments;

/// <summary>What happened to the gate's PR comment on this run.</summary>
public enum CommentAction
{
    Created,
    Updated,

    /// <summary>The comment already said exactly this; nothing was sent.</summary>
    Unchanged,
}
