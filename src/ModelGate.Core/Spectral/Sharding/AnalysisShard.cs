using System.Globalization;
using ModelGate.Core.Errors;

namespace ModelGate.Core.Spectral.Sharding;

/// <summary>Shard <see cref="Index"/> of <see cref="Count"/> (1-based): one job of a CI matrix that splits the modules between N jobs.</summary>
public sealed record AnalysisShard(int Index, int Count)
{
    /// <summary>Reads "K/N" with 1 ≤ K ≤ N.</summary>
    public static AnalysisShard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1 && index >= 1 && index <= count)
        {
            return new AnalysisShard(index, count);
        }

        throw new UserInputException(InputField.Shard, $"must be K/N with 1 ≤ K ≤ N (e.g. 3/8), got '{text}'");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
