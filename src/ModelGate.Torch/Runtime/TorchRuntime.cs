using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Runtime.Versioning;

namespace ModelGate.Torch.Runtime;

/// <summary>
/// Makes TorchSharp's native library loadable before anything touches <c>TorchSharp.torch</c>.
/// TorchSharp 0.107.0's libLibTorchSharp.so was linked by GCC 13 and so requires <c>GLIBCXX_3.4.32</c>, for one
/// symbol (<c>std::ios_base_library_init()</c>) that it only references to force linking. On systems with an older
/// libstdc++ (Debian 12, Ubuntu 22.04) the loader refuses the whole file. When, and only when, that happens, a copy
/// with the unavailable version requirements relaxed is written to the user cache and loaded in its place.
/// </summary>
public static class TorchRuntime
{
    private const string LibraryName = "LibTorchSharp";
    private const string LibraryFile = "libLibTorchSharp.so";

    // Process-wide by nature: a native library is loaded once per process, and TorchSharp's P/Invokes resolve once.
    private static readonly Lock Gate = new();
    private static volatile bool s_loaded;

    // The library loaded (the original, or the patched copy), which the resolving event hands TorchSharp.
    private static IntPtr s_handle;
    private static int s_hooked;

    /// <summary>The patched copy in use, or null when the original loaded as it is (or this is not Linux).</summary>
    public static string? PatchedLibraryPath { get; private set; }

    /// <summary>
    /// The one entry point: every assembly that uses TorchSharp calls it from its module initializer, so nothing has
    /// to remember to load the runtime first. It costs one event subscription; the native library is loaded (and, on
    /// an older libstdc++, patched) only when TorchSharp first asks for it and its own probing has failed — the
    /// loader's last resort is this resolving event. Where the library loads as it is, the event never fires.
    /// </summary>
    public static void LoadOnFirstUse()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref s_hooked, 1) == 1)
        {
            return;
        }

        var torchAssembly = typeof(TorchSharp.torch).Assembly;
        AssemblyLoadContext.GetLoadContext(torchAssembly)!.ResolvingUnmanagedDll += (assembly, name) =>
        {
            if (assembly != torchAssembly || !IsLibTorchSharp(name))
            {
                return IntPtr.Zero;
            }

            // Our own by-name check below re-enters here once the copy is loaded: answer with it, do not load again.
            if (s_handle == IntPtr.Zero)
            {
                EnsureLoaded();
            }

            return s_handle;
        };
    }

    /// <summary>
    /// Idempotent and thread-safe. Throws <see cref="NativeRuntimeException"/> (one-line message naming the fix)
    /// when the native library cannot be made to load; a later call tries again.
    /// </summary>
    public static void EnsureLoaded()
    {
        if (s_loaded)
        {
            return;
        }

        lock (Gate)
        {
            if (s_loaded)
            {
                return;
            }

            // Windows and macOS packages are built against their platform's own runtime; nothing to fix there.
            if (OperatingSystem.IsLinux())
            {
                LoadOnLinux();
            }

            s_loaded = true;
        }
    }

    [SupportedOSPlatform("linux")]
    private static void LoadOnLinux()
    {
        // The module initializer has normally done this; loading without the hook would leave TorchSharp's last resort unanswered.
        LoadOnFirstUse();
        var torchAssembly = typeof(TorchSharp.torch).Assembly;
        var directories = NativeSearchDirectories(torchAssembly);
        var original = FindIn(directories, LibraryFile) ?? throw new NativeRuntimeException(
            $"TorchSharp's native library {LibraryFile} was not found (looked in {string.Join(", ", directories)}); " +
            "restore and rebuild so the TorchSharp-cpu package's native files are copied to the output.");

        var originalBytes = File.ReadAllBytes(original);
        PreloadDependencies(originalBytes, directories);
        if (TryLoad(original, out var loaded, out var error))
        {
            s_handle = loaded;
            return;
        }

        if (!error.Contains("version `", StringComparison.Ordinal))
        {
            throw new NativeRuntimeException($"Loading {original} failed: {error}");
        }

        var patched = LibStdCxxCompatibility.Relax(originalBytes, original, error);
        var path = NativeLibraryCache.Store(LibraryFile, originalBytes, patched);
        if (!TryLoad(path, out var handle, out var patchedError))
        {
            throw new NativeRuntimeException(
                $"Loading the patched copy {path} of {original} failed: {patchedError}; install libstdc++6 from GCC 13 or newer.");
        }

        s_handle = handle;
        PatchedLibraryPath = path;
        RedirectToPatchedCopy(torchAssembly);
    }

    /// <summary>
    /// P/Invokes consult the resolver first. TorchSharp's own <c>NativeLibrary.TryLoad("LibTorchSharp", assembly, null)</c>
    /// does not: it probes the original path (which still fails), then dlopens the bare file name, which glibc answers
    /// with the already loaded copy because its soname is libLibTorchSharp.so; the Resolving event is the last resort.
    /// The final check is exactly TorchSharp's call, so a miss surfaces here rather than as a type-initializer error.
    /// The resolving event's handler is the one <see cref="LoadOnFirstUse"/> subscribed.
    /// </summary>
    private static void RedirectToPatchedCopy(Assembly torchAssembly)
    {
        try
        {
            NativeLibrary.SetDllImportResolver(torchAssembly, (name, _, _) => IsLibTorchSharp(name) ? s_handle : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // Someone else owns TorchSharp's resolver; the soname match below still routes P/Invokes to the copy.
        }

        if (!NativeLibrary.TryLoad(LibraryName, torchAssembly, null, out var byName) || byName != s_handle)
        {
            throw new NativeRuntimeException(
                $"TorchSharp would not pick up the patched {LibraryFile} at {PatchedLibraryPath}; install libstdc++6 from GCC 13 or newer.");
        }
    }

    private static bool IsLibTorchSharp(string name) =>
        name is LibraryName or LibraryFile || Path.GetFileName(name) == LibraryFile;

    /// <summary>
    /// The patched copy sits alone in the cache, so its $ORIGIN RUNPATH finds nothing: loading libtorch and friends
    /// from the original folders by full path first lets its DT_NEEDED entries match them by soname.
    /// </summary>
    private static void PreloadDependencies(byte[] library, IReadOnlyList<string> directories)
    {
        foreach (var needed in ElfVersionNeedPatcher.ReadNeededLibraries(library))
        {
            var path = FindIn(directories, needed);
            if (path is not null && !TryLoad(path, out _, out var error))
            {
                throw new NativeRuntimeException($"Loading {path}, needed by {LibraryFile}, failed: {error}");
            }
        }
    }

    /// <summary>Where .NET itself probes for TorchSharp's natives: the host's list, then the assembly's folder and its runtimes/ tree.</summary>
    internal static IReadOnlyList<string> NativeSearchDirectories(Assembly torchAssembly)
    {
        var directories = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string hostList)
        {
            directories.AddRange(hostList.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        var assemblyFolder = Path.GetDirectoryName(torchAssembly.Location);
        foreach (var folder in new[] { assemblyFolder, AppContext.BaseDirectory })
        {
            if (string.IsNullOrEmpty(folder))
            {
                continue;
            }

            directories.Add(folder);
            directories.Add(Path.Combine(folder, "runtimes", RuntimeInformation.RuntimeIdentifier, "native"));
            directories.Add(Path.Combine(folder, "runtimes", "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(), "native"));
        }

        return directories.Select(d => Path.GetFullPath(d)).Distinct(StringComparer.Ordinal).ToList();
    }

    internal static string? FindIn(IEnumerable<string> directories, string fileName) =>
        directories.Select(d => Path.Combine(d, fileName)).FirstOrDefault(File.Exists);

    private static bool TryLoad(string path, out IntPtr handle, out string error)
    {
        try
        {
            handle = NativeLibrary.Load(path);
            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            handle = IntPtr.Zero;
            error = e.Message.ReplaceLineEndings(" ").Trim();
            return false;
        }
    }
}
