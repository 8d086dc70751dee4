using System.Text.RegularExpressions;

namespace ModelGate.Core.Forgetting;

/// <summary>
/// One entry of the forgetting tasks (the command line's list, a policy's <c>forgetting.tasks</c>): <c>NAME=PATH</c>
/// reads a local file in the format of the lm-evaluation-harness task NAME; any other entry is a task name or a file
/// as it stands (which of the two, only the task catalog knows).
/// </summary>
/// <param name="Name">The task NAME of <c>NAME=PATH</c>; null for an entry without one.</param>
/// <param name="Path">The file (or, without a name, the whole entry).</param>
public sealed partial record TaskReference(string? Name, string Path)
{
    public static TaskReference Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var named = NameAndPath().Match(entry);
        return named.Success ? new TaskReference(named.Groups[1].Value, named.Groups[2].Value) : new TaskReference(null, entry);
    }

    /// <summary>How the dataset is named in reports and policies: the task name, else the file's name.</summary>
    public string DatasetName => Name ?? ForgettingDataset.NameOf(Path);

    // A name is a bare identifier, so a path that happens to hold '=' after a folder separator stays a path.
    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9_]*)=(.+)$")]
    private static partial Regex NameAndPath();
}
