using ModelGate.Core.Forgetting;

namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// The paired exact McNemar test of two models' answers to the same items (McNemar 1947, in its exact binomial form,
/// as statsmodels' <c>mcnemar(table, exact=True)</c>): under "no change", each item on which the models disagree is
/// equally likely to go either way, so b of the b + c disagreements is Binomial(b + c, ½).
/// </summary>
public static class McNemarTest
{
    /// <summary>Per item 1 (right) or 0 (wrong), the same items in the same order for both models.</summary>
    public static McNemarResult Of(IReadOnlyList<double> baseCorrect, IReadOnlyList<double> mergedCorrect)
    {
        ArgumentNullException.ThrowIfNull(baseCorrect);
        ArgumentNullException.ThrowIfNull(mergedCorrect);
        int b = 0, c = 0;
        for (var i = 0; i < baseCorrect.Count; i++)
        {
            b += baseCorrect[i] > mergedCorrect[i] ? 1 : 0;
            c += mergedCorrect[i] > baseCorrect[i] ? 1 : 0;
        }

        return new McNemarResult(b, c, ExactP(b, c));
    }

    /// <summary>
    /// Two-sided exact p = min(1, 2·Σ_{i ≤ min(b, c)} C(b + c, i) / 2^(b + c)); 1 when the models never disagree.
    /// Summed in logarithms: 2^(b + c) leaves the double range past about a thousand disagreements.
    /// </summary>
    public static double ExactP(int b, int c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        var n = b + c;
        var logTerm = -n * Math.Log(2); // log(C(n, 0) / 2^n)
        var tail = Math.Exp(logTerm);
        for (var i = 1; i <= Math.Min(b, c); i++)
        {
            logTerm += Math.Log(n - i + 1) - Math.Log(i);
            tail += Math.Exp(logTerm);
        }

        return Math.Min(1, 2 * tail);
    }
}
