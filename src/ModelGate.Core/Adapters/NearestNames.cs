namespace ModelGate.Core.Adapters;

/// <summary>Suggestions for a name that matched nothing: the candidates closest to it by edit distance.</summary>
internal static class NearestNames
{
    /// <summary>The <paramref name="count"/> candidates closest to any of <paramref name="written"/>, nearest first, ties by name.</summary>
    public static IReadOnlyList<string> Of(IReadOnlyList<string> written, IEnumerable<string> candidates, int count) =>
        candidates
            .Distinct(StringComparer.Ordinal)
            .OrderBy(candidate => written.Min(w => EditDistance(w, candidate)))
            .ThenBy(candidate => candidate, StringComparer.Ordinal)
            .Take(count)
            .ToArray();

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
