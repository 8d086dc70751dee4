namespace ModelGate.Core.Provenance;

/// <summary>Whether the base an adapter's config names is the base it is gated against.</summary>
public enum BaseMatch
{
    /// <summary>The config names no base, or nothing about the base given says which model it is.</summary>
    Unknown = 0,
    Match = 1,
    Mismatch = 2,
}
