namespace ModelGate.Core.IO;

/// <summary>
/// Where a path really leads: the full path with every symbolic link followed, the file's own and its folders'. A
/// path that does not exist yet resolves through its nearest existing folder, so an output about to be created is
/// compared where it will land.
/// </summary>
internal static class RealPath
{
    // Linux's own limit on links followed in one lookup; a cycle ends here instead of looping.
    private const int MaxLinks = 40;

    public static StringComparison Comparison { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public static string Resolve(string path)
    {
        var links = 0;
        return Resolve(Path.GetFullPath(path), ref links);
    }

    /// <summary>Whether <paramref name="inner"/> is <paramref name="outer"/> or lies anywhere below it (both resolved).</summary>
    public static bool IsSameOrInside(string inner, string outer) =>
        string.Equals(inner, outer, Comparison) || inner.StartsWith(Path.TrimEndingDirectorySeparator(outer) + Path.DirectorySeparatorChar, Comparison);

    private static string Resolve(string full, ref int links)
    {
        var root = Path.GetPathRoot(full)!;
        var current = root;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var target = LinkTarget(next);
            if (target is null)
            {
                if (!Path.Exists(next))
                {
                    // Nothing below a missing folder can be a link: the rest lands as written.
                    return Path.Combine([current, .. parts[i..]]);
                }

                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                return Path.Combine([next, .. parts[(i + 1)..]]);
            }

            current = Resolve(Path.GetFullPath(target, current), ref links);
        }

        return current;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder we may not look into cannot be followed further; compare it as written.
            return null;
        }
    }
}
