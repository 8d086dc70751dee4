namespace ModelGate.Testing.GitHub;

/// <summary>Reads a $GITHUB_OUTPUT file as the runner does: `name=value` lines and `name&lt;&lt;DELIMITER` blocks.</summary>
public static class OutputFile
{
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var name = line[..heredoc];
                var delimiter = line[(heredoc + 2)..];
                var value = new List<string>();
                for (i++; i < lines.Length && lines[i] != delimiter; i++)
                {
                    value.Add(lines[i]);
                }

                if (i >= lines.Length)
                {
                    throw new FormatException($"output '{name}': delimiter {delimiter} never closes");
                }

                outputs[name] = string.Join('\n', value);
            }
            else if (equals > 0)
            {
                outputs[line[..equals]] = line[(equals + 1)..];
            }
            else
            {
                throw new FormatException($"not an output line: {line}");
            }
        }

        return outputs;
    }
}
