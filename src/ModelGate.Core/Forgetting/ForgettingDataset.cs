namespace ModelGate.Core.Forgetting;

/// <summary>What was measured on: a corpus (documents) or a multiple-choice task (items), and how many tokens went in per model.</summary>
public sealed record ForgettingDataset(string Name, string Kind, int Units, long Tokens)
{
    /// <summary>The units its intervals and minimum detectable effects come from.</summary>
    public required ResampledUnits Resampled { get; init; }

    /// <summary>The lm-evaluation-harness task whose format built it from the rows; null for our own task and corpus files.</summary>
    public string? Task { get; init; }

    /// <summary>The dataset split the task evaluates (lm-eval's test or validation split); null for our own files.</summary>
    public string? Split { get; init; }

    /// <summary>The dataset's pinned revision when it came from a registry; null for a local file.</summary>
    public string? Revision { get; init; }

    /// <summary>How a corpus or task file (or a corpus folder) is named in reports and policies: its file or folder name.</summary>
    public static string NameOf(string path) => Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
}
