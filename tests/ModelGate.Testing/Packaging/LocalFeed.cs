namespace ModelGate.Testing.Packaging;

/// <summary>
/// A folder of packed ModelGate packages for tests that install them as a user would. CI packs every package once
/// and names the folder in MODELGATE_PACKAGES; without it, the project is packed here, in the tests' configuration
/// (so its build is the one the tests were built with, and packing only publishes and zips).
/// </summary>
public static class LocalFeed
{
    public const string Variable = "MODELGATE_PACKAGES";

    /// <summary>A feed folder holding <paramref name="packageId"/>: MODELGATE_PACKAGES when it has it, else <paramref name="project"/> packed into <paramref name="scratch"/>.</summary>
    public static async Task<string> WithPackageAsync(string packageId, string project, string scratch, CancellationToken cancellationToken = default)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } shared && HasPackage(shared, packageId))
        {
            return shared;
        }

        var feed = Path.Combine(scratch, "feed");
        var root = RepositoryPaths.Root();
        var result = await ChildProcess.RunAsync(
            ChildProcess.DotNet,
            ["pack", Path.Combine(root, project), "-c", Configuration, "-o", feed, "-nodeReuse:false", "-p:UseSharedCompilation=false"],
            root,
            timeout: TimeSpan.FromMinutes(15),
            cancellationToken: cancellationToken);
        if (result.ExitCode != 0 || !HasPackage(feed, packageId))
        {
            throw new InvalidOperationException($"dotnet pack {project} failed ({result.ExitCode}):{Environment.NewLine}{result.Output}");
        }

        return feed;
    }

    /// <summary>The version of <paramref name="packageId"/> in <paramref name="feed"/> (the newest by file time if several).</summary>
    public static string VersionOf(string feed, string packageId) =>
        Packages(feed, packageId).OrderByDescending(File.GetLastWriteTimeUtc).Select(f => Path.GetFileName(f)[(packageId.Length + 1)..^".nupkg".Length]).First();

    private static bool HasPackage(string folder, string packageId) => Directory.Exists(folder) && Packages(folder, packageId).Any();

    // ModelGate.Tool.0.1.0.nupkg but not ModelGate.Tool.linux-x64.0.1.0.nupkg: a version starts with a digit.
    private static IEnumerable<string> Packages(string folder, string packageId) =>
        Directory.EnumerateFiles(folder, packageId + ".*.nupkg").Where(f => char.IsDigit(Path.GetFileName(f)[packageId.Length + 1]));

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
}
