using System.Globalization;
using System.Text;

namespace ModelGate.Core.Tests.Fuzzing;

/// <summary>What a fuzz run did, with what a developer needs to reproduce a crash (the seed and the saved input).</summary>
internal sealed class FuzzReport(string target, ulong seed)
{
    public int Executions { get; private set; }

    public int Accepted { get; private set; }

    public int Rejected { get; private set; }

    public HashSet<string> Signatures { get; } = new(StringComparer.Ordinal);

    /// <summary>Signatures first reached by a mutant, not by a seed or the committed corpus.</summary>
    public List<string> NewSignatures { get; } = [];

    public List<FuzzCrash> Crashes { get; } = [];

    public TimeSpan Elapsed { get; set; }

    /// <summary>The longest a mutant took (write, parse, oracle): a parser gone quadratic shows here long before it hangs.</summary>
    public TimeSpan Slowest { get; private set; }

    public void Count(FuzzOutcome outcome, TimeSpan elapsed)
    {
        Executions++;
        Slowest = elapsed > Slowest ? elapsed : Slowest;
        Signatures.Add(outcome.Signature);
        switch (outcome.Verdict)
        {
            case FuzzVerdict.Accepted:
                Accepted++;
                break;
            case FuzzVerdict.Rejected:
                Rejected++;
                break;
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"fuzz {target}: seed {seed}, {Executions} executions in {Elapsed.TotalSeconds:F1} s ({Accepted} accepted, {Rejected} rejected as user errors), {Signatures.Count} distinct outcomes, {NewSignatures.Count} new, slowest {Slowest.TotalMilliseconds:F0} ms, {Crashes.Count} crashes");
        foreach (var signature in NewSignatures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  new: {(signature.Length <= 200 ? signature : signature[..200] + "…")}");
        }

        foreach (var crash in Crashes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  CRASH after mutation {crash.Iteration}: {crash.Outcome.Signature}; input saved to {crash.SavedInput}")
                .AppendLine("    " + crash.Outcome.Detail.ReplaceLineEndings(Environment.NewLine + "    "));
        }

        return text.ToString();
    }
}
