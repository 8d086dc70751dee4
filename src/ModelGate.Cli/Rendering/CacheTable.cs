using System.Globalization;
using ModelGate.Core.IO;
using ModelGate.Core.Spectral.Cache;
using Spectre.Console;

namespace ModelGate.Cli.Rendering;

/// <summary>The terminal view of <c>cache list</c>: one row per entry, then the total.</summary>
public static class CacheTable
{
    /// <summary>Enough of a key to tell entries apart at a glance; the full key is the file name.</summary>
    private const int KeyPrefixLength = 12;

    public static void Write(IReadOnlyList<SpectrumCacheEntry> entries, string root, TextWriter output, bool isTerminal)
    {
        var console = OutputConsole.Create(output, isTerminal);

        var total = HumanQuantities.FormatSize(entries.Sum(e => e.Bytes));
        if (entries.Count == 0)
        {
            console.WriteLine($"no cached spectra in {root}");
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Key")
            .AddColumn(new TableColumn("Shape").RightAligned())
            .AddColumn("Precision")
            .AddColumn(new TableColumn("Size").RightAligned())
            .AddColumn("Last used")
            .AddColumn("Source");
        foreach (var e in entries)
        {
            table.AddRow(
                new Text(e.Key[..Math.Min(KeyPrefixLength, e.Key.Length)]),
                new Text(e.Rows > 0 ? $"{e.Rows}×{e.Cols}" : "?"),
                new Text(e.Rows > 0 ? e.Precision.ToString() : "?"),
                new Text(HumanQuantities.FormatSize(e.Bytes)),
                new Text(e.LastUsedUtc.ToLocalTime().ToString("yyyy-MM-dd HH:mm", inv)),
                new Text(e.Source));
        }

        console.Write(table);
        console.WriteLine($"{entries.Count} cached spectra, {total}, in {root}");
    }
}
