namespace ModelGate.Testing.IO;

/// <summary>
/// A real folder this process cannot write in, even as root (tests here run as root, for whom a chmod'ed folder is
/// still writable): sysfs's top folder takes no new files. Null where there is none, and tests then skip saying so.
/// </summary>
public static class UnwritableFolder
{
    public const string SkipReason = "no folder here refuses this process's writes (/sys takes new files or is absent); a read-only location cannot be set up";

    public static string? Path { get; } = Find();

    private static string? Find()
    {
        const string sysfs = "/sys";
        if (!Directory.Exists(sysfs))
        {
            return null;
        }

        var probe = System.IO.Path.Combine(sysfs, $".modelgate-test-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return sysfs;
        }
    }
}
