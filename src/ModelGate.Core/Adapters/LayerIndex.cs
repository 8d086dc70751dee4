using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelGate.Core.Adapters;

/// <summary>Finds the transformer block a module or tensor belongs to from its dotted name.</summary>
public static partial class LayerIndex
{
    /// <summary>
    /// PEFT's rule for <c>layers_to_transform</c>: the first numbered segment that follows another segment
    /// (<c>.*?\.[^.]*\.(\d+)\.</c>), or the number after one of <paramref name="layersPatterns"/>.
    /// </summary>
    public static int? Find(string name, IReadOnlyList<string>? layersPatterns = null)
    {
        if (layersPatterns is null || layersPatterns.Count == 0)
        {
            var m = FirstNumberedSegment().Match(name);
            return m.Success ? int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : null;
        }

        foreach (var p in layersPatterns)
        {
            var m = new Regex(@"^.*?\." + p + @"\.(\d+)\.", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)).Match(name);
            if (m.Success)
            {
                return int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>The first number that stands as a whole segment of a dotted name: the block index in every HF layout.</summary>
    public static int? OfTensor(string tensorName)
    {
        var m = AnyNumberedSegment().Match(tensorName);
        return m.Success ? int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"^.*?\.[^.]*\.(\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex FirstNumberedSegment();

    [GeneratedRegex(@"(?:^|\.)(\d+)(?:\.|$)", RegexOptions.CultureInvariant)]
    private static partial Regex AnyNumberedSegment();
}
