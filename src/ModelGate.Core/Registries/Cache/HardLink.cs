using System.Runtime.InteropServices;

namespace ModelGate.Core.Registries.Cache;

/// <summary>
/// A second name for a file's bytes: a model of many GB is materialised as a folder without copying it. Falls back
/// to a copy where the file system or platform has no hard links (another volume, FAT).
/// </summary>
internal static partial class HardLink
{
    public static void CreateOrCopy(string existing, string link)
    {
        var linked = OperatingSystem.IsWindows()
            ? CreateHardLinkW(link, existing, IntPtr.Zero)
            : Link(existing, link) == 0;
        if (!linked)
        {
            File.Copy(existing, link, overwrite: false);
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string oldPath, string newPath);

    [LibraryImport("kernel32", EntryPoint = "CreateHardLinkW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CreateHardLinkW(string fileName, string existingFileName, IntPtr securityAttributes);
}
