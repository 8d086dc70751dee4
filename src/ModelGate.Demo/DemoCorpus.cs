using System.Globalization;
using System.Text;

namespace ModelGate.Demo;

/// <summary>
/// Two kinds of generated text with nothing in common but the alphabet: templated English prose (the "pre-training"
/// distribution the demo model learns and should not forget) and Python-like source code (the "fine-tuning" task
/// that makes it forget). Grammar and word choice are random but structured, so a model that learns them generalises
/// to held-out text of the same kind (its perplexity is meaningful) instead of memorising it. The same seed and part
/// give the same text on every machine (<see cref="DeterministicRandom"/>).
/// </summary>
public static class DemoCorpus
{
    private static readonly string[] Names = ["Anna", "Ben", "Clara", "David", "Elena", "Felix", "Grace", "Hugo", "Iris", "Jonas", "Lena", "Marco", "Nora", "Oscar", "Paula", "Ravi", "Sofia", "Tom"];
    private static readonly string[] Nouns = ["river", "garden", "letter", "window", "horse", "village", "teacher", "bridge", "lamp", "forest", "market", "story", "child", "boat", "mountain", "kitchen", "song", "door", "bird", "road", "friend", "book", "field", "house", "storm", "baker", "painter", "clock", "island", "tower"];
    private static readonly string[] Adjectives = ["old", "quiet", "bright", "small", "green", "heavy", "gentle", "cold", "warm", "narrow", "busy", "strange", "golden", "tired", "happy", "dark", "wide", "careful", "young", "distant"];
    private static readonly (string Present, string Past)[] Verbs =
    [
        ("find", "found"), ("carry", "carried"), ("watch", "watched"), ("open", "opened"), ("follow", "followed"), ("paint", "painted"),
        ("build", "built"), ("visit", "visited"), ("remember", "remembered"), ("leave", "left"), ("bring", "brought"), ("clean", "cleaned"),
        ("hear", "heard"), ("cross", "crossed"), ("read", "read"), ("sell", "sold"), ("mend", "mended"), ("call", "called"),
    ];
    private static readonly string[] Places = ["the harbour", "the square", "the hill", "the old mill", "the station", "the school", "the church", "the lake", "the valley", "the farm"];
    private static readonly string[] Times = ["morning", "evening", "afternoon", "winter", "spring", "summer", "autumn", "night"];
    private static readonly string[] Adverbs = ["slowly", "quickly", "quietly", "carefully", "happily", "again", "together", "at last"];

    private static readonly string[] Identifiers = ["total", "count", "items", "value", "result", "index", "buffer", "offset", "name", "data", "node", "key", "size", "limit", "row", "cache", "path", "line"];
    private static readonly string[] Functions = ["parse", "load", "merge", "split", "update", "compute", "filter", "render", "check", "encode", "decode", "flush", "scan", "sort"];
    private static readonly string[] Suffixes = ["items", "config", "header", "tokens", "rows", "values", "buffer", "index", "graph", "state"];
    private static readonly string[] Operators = ["+", "-", "*", "//", "%"];
    private static readonly string[] Comparisons = ["<", ">", "<=", ">=", "==", "!="];

    /// <summary>Paragraphs of prose, separated by blank lines, until at least <paramref name="characters"/> characters.</summary>
    public static string Prose(ulong seed, string part, int characters)
    {
        var rng = DeterministicRandom.For(seed, "prose:" + part);
        var text = new StringBuilder(characters + 512);
        while (text.Length < characters)
        {
            var sentences = 3 + Pick(rng, 4);
            for (var s = 0; s < sentences; s++)
            {
                text.Append(s == 0 ? "" : " ").Append(Sentence(rng));
            }

            text.Append("\n\n");
        }

        return text.ToString();
    }

    /// <summary>Python-like functions, separated by blank lines, until at least <paramref name="characters"/> characters.</summary>
    public static string Code(ulong seed, string part, int characters)
    {
        var rng = DeterministicRandom.For(seed, "code:" + part);
        var text = new StringBuilder(characters + 512);
        while (text.Length < characters)
        {
            text.Append(Function(rng)).Append('\n');
        }

        return text.ToString();
    }

    private static string Sentence(DeterministicRandom rng)
    {
        var (verb, past) = One(rng, Verbs);
        var (_, past2) = One(rng, Verbs);
        return Pick(rng, 6) switch
        {
            0 => $"{One(rng, Names)} {past} the {One(rng, Adjectives)} {One(rng, Nouns)} near {One(rng, Places)}.",
            1 => $"In the {One(rng, Times)}, the {One(rng, Nouns)} was {One(rng, Adjectives)} and the {One(rng, Nouns)} {past} {One(rng, Adverbs)}.",
            2 => $"{One(rng, Names)} said that the {One(rng, Nouns)} would {verb} the {One(rng, Nouns)} before the {One(rng, Times)}.",
            3 => $"The {One(rng, Adjectives)} {One(rng, Nouns)} of {One(rng, Names)} {past} across {One(rng, Places)}, and everyone {past2} {One(rng, Adverbs)}.",
            4 => $"When the {One(rng, Nouns)} {past} the {One(rng, Nouns)}, {One(rng, Names)} and {One(rng, Names)} went to {One(rng, Places)}.",
            _ => $"Every {One(rng, Times)} the {One(rng, Adjectives)} {One(rng, Nouns)} {past} a {One(rng, Adjectives)} {One(rng, Nouns)}.",
        };
    }

    private static string Function(DeterministicRandom rng)
    {
        var name = $"{One(rng, Functions)}_{One(rng, Suffixes)}";
        var a = One(rng, Identifiers);
        var b = One(rng, Identifiers.Where(x => x != a).ToArray());
        var v = One(rng, Identifiers.Where(x => x != a && x != b).ToArray());
        var n = (1 + Pick(rng, 64)).ToString(CultureInfo.InvariantCulture);
        var m = (2 + Pick(rng, 16)).ToString(CultureInfo.InvariantCulture);
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"def {name}({a}, {b}):\n");
        body.Append(CultureInfo.InvariantCulture, $"    {v} = {a} {One(rng, Operators)} {b}\n");
        switch (Pick(rng, 4))
        {
            case 0:
                body.Append(CultureInfo.InvariantCulture, $"    if {v} {One(rng, Comparisons)} {n}:\n        return {v} * {m}\n");
                break;
            case 1:
                body.Append(CultureInfo.InvariantCulture, $"    for i in range({n}):\n        {v} += {a}[i] {One(rng, Operators)} {m}\n");
                break;
            case 2:
                body.Append(CultureInfo.InvariantCulture, $"    while {v} {One(rng, Comparisons)} {n}:\n        {v} = {v} {One(rng, Operators)} {m}\n");
                break;
            default:
                body.Append(CultureInfo.InvariantCulture, $"    {b} = [x {One(rng, Operators)} {m} for x in {a} if x {One(rng, Comparisons)} {n}]\n");
                break;
        }

        body.Append(CultureInfo.InvariantCulture, $"    return {(Pick(rng, 2) == 0 ? v : $"({v}, {b})")}\n");
        return body.ToString();
    }

    private static int Pick(DeterministicRandom rng, int count) => (int)(rng.NextUInt64() % (ulong)count);

    private static T One<T>(DeterministicRandom rng, IReadOnlyList<T> values) => values[Pick(rng, values.Count)];
}
