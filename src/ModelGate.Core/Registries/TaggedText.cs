namespace ModelGate.Core.Registries;

/// <summary>A small text file as read from a registry, with the tag (ETag) a conditional rewrite must name.</summary>
public sealed record TaggedText(string Text, string Tag);
