using System.Text.RegularExpressions;

namespace ModelGate.Core.Registries.Datasets;

/// <summary>
/// Where a Hub dataset keeps one split of one config as Parquet, in the three layouts the Hub uses: the uploader's
/// CONFIG/SPLIT-00000-of-0000N.parquet, the single-config data/SPLIT-*.parquet, and the refs/convert/parquet
/// branch's CONFIG/SPLIT/0000.parquet. The first layout with a match wins.
/// </summary>
public static class DatasetSplitLayout
{
    /// <summary>The config a dataset with only one has (its files then under data/).</summary>
    public const string DefaultConfig = "default";

    /// <summary>The shard files of <paramref name="split"/> among <paramref name="paths"/>, in order; empty when no layout has them.</summary>
    public static IReadOnlyList<string> Pick(IEnumerable<string> paths, string? config, string split)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var all = paths.Order(StringComparer.Ordinal).ToList();
        foreach (var layout in Layouts(config ?? DefaultConfig, split))
        {
            var matches = all.Where(p => layout.IsMatch(p)).ToList();
            if (matches.Count > 0)
            {
                return matches;
            }
        }

        return [];
    }

    /// <summary>The patterns <see cref="Pick"/> tries, as a reader would write them (for messages).</summary>
    public static string Describe(string? config, string split)
    {
        var c = config ?? DefaultConfig;
        return $"{c}/{split}-*.parquet, {(c == DefaultConfig ? $"data/{split}-*.parquet, " : "")}{c}/{split}/*.parquet";
    }

    private static IEnumerable<Regex> Layouts(string config, string split)
    {
        var (c, s) = (Regex.Escape(config), Regex.Escape(split));
        yield return new Regex($@"^{c}/{s}(-[^/]*)?\.parquet$", RegexOptions.CultureInvariant);
        if (config == DefaultConfig)
        {
            yield return new Regex($@"^data/{s}(-[^/]*)?\.parquet$", RegexOptions.CultureInvariant);
        }

        yield return new Regex($@"^{c}/{s}/[^/]+\.parquet$", RegexOptions.CultureInvariant);
    }
}
