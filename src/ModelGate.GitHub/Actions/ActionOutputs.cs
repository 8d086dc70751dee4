using System.Text;

namespace ModelGate.GitHub.Actions;

/// <summary>
/// Step outputs through the $GITHUB_OUTPUT file, always in the delimiter form @actions/core uses
/// (`name&lt;&lt;ghadelimiter_…`, value, delimiter), so a value with a newline cannot end early or set another output.
/// </summary>
public static class ActionOutputs
{
    public static async Task AppendAsync(string path, IEnumerable<KeyValuePair<string, string>> outputs, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in outputs)
        {
            text.Append(Format(name, value));
        }

        await File.AppendAllTextAsync(path, text.ToString(), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
    }

    public static string Format(string name, string value)
    {
        if (name.Length == 0 || name.Any(c => c is '\r' or '\n' or '<' or '='))
        {
            throw new ArgumentException($"'{name}' is not a valid output name", nameof(name));
        }

        var delimiter = $"ghadelimiter_{Guid.NewGuid():N}";
        if (value.Contains(delimiter, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the value of output '{name}' contains its delimiter", nameof(value));
        }

        var normalized = value.ReplaceLineEndings("\n");
        return $"{name}<<{delimiter}\n{normalized}\n{delimiter}\n";
    }
}
