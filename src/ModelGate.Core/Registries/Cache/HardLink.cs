using System.Runtime.InteropServices;

namespace ModelGate.Core.Registries.Cache;

/// <summary>
/// A second name for a file's bytes: a model of many GB is materialised as a folder without copying it. Falls back
/// to a copy where the file system or platform has no hard links (another volume, FAT).
/// </summary>
internal static partial class HardLink
{
    /// <summary>Files below this size are copied: they are the ones users and tools edit (configs, tokenizers).</summary>
    public const long MinimumSize = 1 << 20;

    public static void CreateOrCopy(string existing, string link)
    {
        var linked = new FileInfo(existing).Length >= MinimumSize && (OperatingSystem.IsWindows()
            ? CreateHardLinkW(link, existing, IntPtr.Zero)
            : Link(existing, link) == 0);
        if (linked)
        {
            return;
        }

        File.Copy(existing, link, overwrite: false);
        if (!OperatingSystem.IsWindows())
        {
            // The store's bytes are read-only; a copy is the user's.
            File.SetUnixFileMode(link, File.GetUnixFileMode(link) | UnixFileMode.UserWrite);
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string oldPath, string newPath);

    [LibraryImport("kernel32", EntryPoint = "CreateHardLinkW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CreateHardLinkW(string fileName, string existingFileName, IntPtr securityAttributes);
}
