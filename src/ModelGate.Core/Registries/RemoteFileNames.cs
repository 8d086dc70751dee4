using ModelGate.Core.Errors;

namespace ModelGate.Core.Registries;

/// <summary>
/// Names of files that come from a registry are attacker-controlled: before one becomes a local path it must be a
/// relative, '/'-separated path that stays inside the folder (no "..", no absolute path, no drive, no backslash).
/// </summary>
public static class RemoteFileNames
{
    /// <summary>Returns <paramref name="name"/> when it is safe; otherwise a user error naming the source and the file.</summary>
    public static string Check(string source, string name)
    {
        if (Problem(name) is { } problem)
        {
            throw new UserInputException($"{source}: refused file name '{name}' ({problem})");
        }

        return name;
    }

    /// <summary>What is wrong with <paramref name="name"/>, or null when it is a safe relative path.</summary>
    public static string? Problem(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "empty";
        }

        if (name.Contains('\\'))
        {
            return "backslash: not a '/'-separated relative path";
        }

        if (name.StartsWith('/') || Path.IsPathRooted(name) || (name.Length >= 2 && name[1] == ':'))
        {
            return "absolute path";
        }

        if (name.Any(c => char.IsControl(c)))
        {
            return "control character";
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return segment == ".." ? "'..' leaves the folder" : "empty or '.' path segment";
            }
        }

        return null;
    }

    /// <summary>The local path of a checked name under <paramref name="folder"/>, verified to stay inside it.</summary>
    public static string LocalPath(string folder, string checkedName)
    {
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, checkedName.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new UserInputException($"refused file name '{checkedName}': it resolves outside {folder}");
        }

        return full;
    }
}
