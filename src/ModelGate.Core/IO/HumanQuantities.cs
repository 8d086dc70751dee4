using System.Globalization;

namespace ModelGate.Core.IO;

/// <summary>
/// Ages (<c>30d</c>, <c>12h</c>) and sizes (<c>20GB</c>, <c>500MiB</c>) as people type them on a command line or in a
/// settings file, so every front end accepts the same spellings.
/// </summary>
public static class HumanQuantities
{
    private static readonly (string Suffix, double Seconds)[] AgeUnits =
        [("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)];

    // Binary units first, so that "MiB" is not read as "B" after "Mi"; decimal units are what disks are sold in.
    private static readonly (string Suffix, double Bytes)[] SizeUnits =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("B", 1),
    ];

    /// <summary>A non-negative number followed by s, m, h, d or w (e.g. <c>30d</c>, <c>1.5h</c>); a bare number is refused as ambiguous.</summary>
    public static bool TryParseAge(string? text, out TimeSpan age)
    {
        age = default;
        var trimmed = text?.Trim() ?? "";
        foreach (var (suffix, seconds) in AgeUnits)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && TryParseAmount(trimmed[..^suffix.Length], out var amount)
                && amount * seconds <= TimeSpan.MaxValue.TotalSeconds)
            {
                age = TimeSpan.FromSeconds(amount * seconds);
                return true;
            }
        }

        return false;
    }

    /// <summary>A non-negative number of bytes, optionally with KB/MB/GB/TB (powers of 1000) or KiB/MiB/GiB/TiB (powers of 1024).</summary>
    public static bool TryParseSize(string? text, out long bytes)
    {
        bytes = 0;
        var trimmed = text?.Trim() ?? "";
        var multiplier = 1.0;
        foreach (var (suffix, unit) in SizeUnits)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                trimmed = trimmed[..^suffix.Length];
                multiplier = unit;
                break;
            }
        }

        if (!TryParseAmount(trimmed, out var amount) || amount * multiplier >= long.MaxValue)
        {
            return false;
        }

        bytes = (long)Math.Round(amount * multiplier);
        return true;
    }

    /// <summary>Bytes in decimal units with three significant digits, e.g. <c>1.23 GB</c>.</summary>
    public static string FormatSize(long bytes)
    {
        var inv = CultureInfo.InvariantCulture;
        string[] units = ["B", "KB", "MB", "GB", "TB", "PB"];
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : $"{value.ToString(value < 10 ? "0.00" : value < 100 ? "0.0" : "0", inv)} {units[unit]}";
    }

    private static bool TryParseAmount(string text, out double amount) =>
        double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount)
        && double.IsFinite(amount);
}
