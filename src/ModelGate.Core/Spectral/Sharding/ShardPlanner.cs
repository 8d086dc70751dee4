using System.Security.Cryptography;
using System.Text;

namespace ModelGate.Core.Spectral.Sharding;

/// <summary>
/// Splits modules between shards, balanced by cost and the same in every process: greedy longest-processing-time
/// over the modules sorted by (cost descending, name ordinal), each going to the shard with the least work so far
/// (the lowest index on a tie). Every module lands in exactly one shard; with more shards than modules some are empty.
/// </summary>
public static class ShardPlanner
{
    /// <summary>The 1-based shard of each module, in the order given; <paramref name="costs"/> are parallel to <paramref name="names"/>.</summary>
    public static int[] Assign(IReadOnlyList<string> names, IReadOnlyList<double> costs, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        if (names.Count != costs.Count)
        {
            throw new ArgumentException("one cost per module", nameof(costs));
        }

        var order = Enumerable.Range(0, names.Count)
            .OrderByDescending(i => costs[i])
            .ThenBy(i => names[i], StringComparer.Ordinal)
            .ToArray();
        var load = new double[shardCount];
        var shardOf = new int[names.Count];
        foreach (var i in order)
        {
            var lightest = 0;
            for (var s = 1; s < shardCount; s++)
            {
                if (load[s] < load[lightest])
                {
                    lightest = s;
                }
            }

            load[lightest] += costs[i];
            shardOf[i] = lightest + 1;
        }

        return shardOf;
    }

    /// <summary>SHA-256 (lowercase hex) of the module names in analysis order, one per line: names the full module list.</summary>
    public static string Digest(IEnumerable<string> names) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(names.Select(n => n + "\n")))));
}
