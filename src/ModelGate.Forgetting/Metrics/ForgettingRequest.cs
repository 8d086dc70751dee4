using ModelGate.Core.Forgetting;

namespace ModelGate.Forgetting.Metrics;

/// <summary>One forgetting measurement as every front end (the verb, the gate's probe) builds it.</summary>
public sealed record ForgettingRequest
{
    /// <summary>The base model folder; its tokenizer is used for both models.</summary>
    public required string BaseModel { get; init; }

    /// <summary>PEFT adapters merged into the base in memory, in order.</summary>
    public required IReadOnlyList<string> Adapters { get; init; }

    /// <summary>A .txt (paragraphs), .jsonl (<c>{"text"}</c>) or a folder of them; null: no corpus metrics.</summary>
    public string? Corpus { get; init; }

    /// <summary>The column of a Parquet or JSON(L) corpus that holds the text.</summary>
    public string TextColumn { get; init; } = "text";

    /// <summary>Task entries: <c>NAME=PATH</c> (an lm-eval task's format over a local file) or our multiple-choice JSONL files.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = [];

    /// <summary>Task entries whose rows were fetched from a registry (by the entry as given in <see cref="Tasks"/>).</summary>
    public IReadOnlyDictionary<string, ResolvedDataset> FetchedTasks { get; init; } = new Dictionary<string, ResolvedDataset>();

    /// <summary>The first rows of each task only (lm-eval's <c>--limit</c>); null: all.</summary>
    public int? Limit { get; init; }

    public string Device { get; init; } = "auto";

    /// <summary>float32 or bfloat16.</summary>
    public string DType { get; init; } = "float32";

    public ForgettingSettings Settings { get; init; } = new();
}
