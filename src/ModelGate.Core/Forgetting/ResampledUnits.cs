using System.Globalization;

namespace ModelGate.Core.Forgetting;

/// <summary>
/// What the paired bootstrap of a dataset drew: its documents or items, or, for a corpus of too few documents to
/// stand for independent samples, fixed-size blocks of consecutive scored tokens (<see cref="BlockTokens"/> each;
/// a document's last block may be shorter).
/// </summary>
public sealed record ResampledUnits(string Unit, int Count, int? BlockTokens = null)
{
    public const string Documents = "documents";
    public const string Items = "items";
    public const string Blocks = "blocks";

    /// <summary>"12 documents", "40 items", "37 blocks of 32 tokens".</summary>
    public string Describe() => BlockTokens is { } n
        ? string.Create(CultureInfo.InvariantCulture, $"{Count} {(Count == 1 ? "block" : Unit)} of {n} tokens")
        : string.Create(CultureInfo.InvariantCulture, $"{Count} {(Count == 1 ? Unit.TrimEnd('s') : Unit)}");
}
