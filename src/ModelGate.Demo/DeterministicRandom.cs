namespace ModelGate.Demo;

/// <summary>
/// SplitMix64 with Box–Muller: the same numbers on every machine and .NET version, so generated fixtures are
/// reproducible byte for byte from their seed (System.Random promises no such thing across versions).
/// </summary>
public sealed class DeterministicRandom(ulong seed)
{
    private ulong _state = seed;
    private double? _spare;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double NextGaussian()
    {
        if (_spare is { } s)
        {
            _spare = null;
            return s;
        }

        double u1;
        do
        {
            u1 = NextDouble();
        }
        while (u1 <= double.Epsilon);

        var u2 = NextDouble();
        var r = Math.Sqrt(-2 * Math.Log(u1));
        _spare = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    public double[] Gaussian(long count)
    {
        var values = new double[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = NextGaussian();
        }

        return values;
    }

    /// <summary>A fresh generator for a named part, so adding a part does not shift the numbers of the others.</summary>
    public static DeterministicRandom For(ulong seed, string part)
    {
        var h = 14695981039346656037UL;
        foreach (var c in part)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return new DeterministicRandom(seed ^ h);
    }
}
