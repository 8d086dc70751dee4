namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>The lm-evaluation-harness tasks whose formats are built in, by the name <c>lm_eval --tasks</c> takes.</summary>
public static class LmEvalTasks
{
    public static IReadOnlyList<LmEvalTask> All { get; } =
    [
        new HellaSwag(), new Arc("arc_easy", "ARC-Easy"), new Arc("arc_challenge", "ARC-Challenge"), new Piqa(), new Winogrande(),
        new BoolQ(), new LambadaOpenAi(), new Wikitext(),
    ];

    public static LmEvalTask? Find(string name) => All.FirstOrDefault(t => t.Name.Equals(name, StringComparison.Ordinal));
}
