namespace ModelGate.Core.IO;

/// <summary>
/// The one rule for where ModelGate keeps caches (base spectra, patched native libraries), so every cache agrees:
/// an explicit folder (<c>--cache</c>), else <c>MODELGATE_CACHE</c>, else <c>$XDG_CACHE_HOME/modelgate</c>,
/// else <c>~/.cache/modelgate</c>.
/// </summary>
public static class CacheRoot
{
    /// <summary>The environment variable that moves every cache.</summary>
    public const string Variable = "MODELGATE_CACHE";

    /// <summary>The cache folder (full path) for <paramref name="explicitRoot"/> and this process's environment.</summary>
    public static string Resolve(string? explicitRoot) =>
        Resolve(
            explicitRoot,
            Environment.GetEnvironmentVariable(Variable),
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME"),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
        ?? PerUserTemp();

    /// <summary>
    /// The rule itself, on values passed in so it can be checked without touching the process environment;
    /// null when there is neither a setting nor a home folder.
    /// </summary>
    internal static string? Resolve(string? explicitRoot, string? cacheVariable, string? xdgCacheHome, string? home)
    {
        if (!string.IsNullOrWhiteSpace(explicitRoot))
        {
            return Path.GetFullPath(explicitRoot);
        }

        if (!string.IsNullOrWhiteSpace(cacheVariable))
        {
            return Path.GetFullPath(cacheVariable);
        }

        // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
        if (!string.IsNullOrWhiteSpace(xdgCacheHome) && Path.IsPathRooted(xdgCacheHome))
        {
            return Path.Combine(xdgCacheHome, "modelgate");
        }

        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "modelgate");
    }

    /// <summary>
    /// A last resort when no home folder is known. /tmp is shared by all users: a name per user keeps one user's
    /// cache from being another's.
    /// </summary>
    public static string PerUserTemp() => Path.Combine(Path.GetTempPath(), $"modelgate-{Environment.UserName}");
}
