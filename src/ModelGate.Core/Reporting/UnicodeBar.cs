namespace ModelGate.Core.Reporting;

/// <summary>
/// Horizontal bars of █ that read in any monospace text (a GitHub comment's code block, a CI log, a terminal),
/// where an image or a Mermaid chart may not render.
/// </summary>
public static class UnicodeBar
{
    public const char Block = '█';

    /// <summary>One block per unit up to <paramref name="width"/>; beyond that every bar shares one scale.</summary>
    public static int UnitFor(int max, int width) => max <= width ? 1 : (max + width - 1) / width;

    /// <summary>A bar of <paramref name="value"/> / <paramref name="unit"/> blocks, rounded up so that any count above 0 shows.</summary>
    public static string Of(int value, int unit) => value <= 0 ? "" : new string(Block, (value + unit - 1) / unit);
}
