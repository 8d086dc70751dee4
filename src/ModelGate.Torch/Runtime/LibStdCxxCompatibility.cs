namespace ModelGate.Torch.Runtime;

/// <summary>
/// Decides which libstdc++ version requirements a library may be relieved of on this system, and applies them.
/// The line it will not cross: a version whose symbols are actually bound by a relocation. Clearing such a
/// requirement would only trade a clean load error for a crash at the first call, so that case asks for GCC 13.
/// </summary>
internal static class LibStdCxxCompatibility
{
    private const string Fix = "install libstdc++6 from GCC 13 or newer (e.g. from the distribution's backports or a toolchain PPA)";

    public static byte[] Relax(byte[] library, string libraryPath, string loaderError)
    {
        var systemPath = LibStdCxxLocator.Find() ?? throw new NativeRuntimeException(
            $"Loading {libraryPath} failed ({loaderError}) and {LibStdCxxLocator.Soname} was not found to check its versions; {Fix}.");

        IReadOnlyList<string> defined;
        try
        {
            defined = ElfVersionNeedPatcher.ReadVersionDefinitions(File.ReadAllBytes(systemPath));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new NativeRuntimeException($"Could not read the versions of {systemPath} ({e.Message}); {Fix}.", e);
        }

        return Relax(library, libraryPath, loaderError, systemPath, defined.ToHashSet(StringComparer.Ordinal));
    }

    internal static byte[] Relax(byte[] library, string libraryPath, string loaderError, string systemPath, IReadOnlySet<string> defined)
    {
        var needs = ElfVersionNeedPatcher.ReadVersionNeeds(library).Where(n => n.Library == LibStdCxxLocator.Soname).ToList();
        var missing = needs.Where(n => !defined.Contains(n.Version)).ToList();
        if (missing.Count == 0)
        {
            // The loader complained about something other than libstdc++ (glibc, say): not ours to paper over.
            throw new NativeRuntimeException($"Loading {libraryPath} failed: {loaderError}");
        }

        var image = library;
        foreach (var need in missing)
        {
            var substitute = needs
                .Where(n => defined.Contains(n.Version) && SameFamily(n.Version, need.Version) && Compare(n.Version, need.Version) < 0)
                .MaxBy(n => ParseVersion(n.Version))
                ?? throw new NativeRuntimeException(
                    $"{libraryPath} needs {need.Version} from {systemPath}, which lacks it and every older version it could stand in for; {Fix}.");

            var result = ElfVersionNeedPatcher.Patch(image, LibStdCxxLocator.Soname, need.Version, substitute.Version);
            if (result.RelocationsOnClearedSymbols > 0)
            {
                throw new NativeRuntimeException(
                    $"{libraryPath} calls {string.Join(", ", result.ClearedSymbols)} ({need.Version}), which {systemPath} does not provide; {Fix}.");
            }

            image = result.Image;
        }

        return image;
    }

    private static bool SameFamily(string a, string b) => Family(a) == Family(b);

    private static string Family(string version)
    {
        var underscore = version.IndexOf('_', StringComparison.Ordinal);
        return underscore < 0 ? version : version[..underscore];
    }

    private static int Compare(string a, string b) => ParseVersion(a).CompareTo(ParseVersion(b));

    private static Version ParseVersion(string name)
    {
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        var digits = underscore < 0 ? name : name[(underscore + 1)..];
        return Version.TryParse(digits.Contains('.', StringComparison.Ordinal) ? digits : digits + ".0", out var v) ? v : new Version(0, 0);
    }
}
