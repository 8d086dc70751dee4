namespace ModelGate.Torch.Runtime;

/// <summary>
/// Finds the libstdc++.so.6 that this process resolves: the .NET runtime links it, so it is normally already mapped,
/// and the mapped file is the one whose versions count (an LD_LIBRARY_PATH override included).
/// </summary>
internal static class LibStdCxxLocator
{
    internal const string Soname = "libstdc++.so.6";

    private static readonly string[] StandardDirectories =
        ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib", "/lib"];

    public static string? Find() => FindMapped("/proc/self/maps") ?? FindInStandardDirectories();

    internal static string? FindMapped(string mapsPath)
    {
        if (!File.Exists(mapsPath))
        {
            return null;
        }

        foreach (var line in File.ReadLines(mapsPath))
        {
            // Path is the sixth column and may itself contain spaces; it starts at the first '/'.
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }

            var path = line[slash..];
            if (Path.GetFileName(path).StartsWith(Soname, StringComparison.Ordinal) && File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static string? FindInStandardDirectories() =>
        StandardDirectories.Select(d => Path.Combine(d, Soname)).FirstOrDefault(File.Exists);
}
