using System.Runtime.InteropServices;

namespace ModelGate.Core.IO;

/// <summary>
/// Tells a regular file from a FIFO, a device or a socket without opening it: .NET exposes no file type, reports
/// length 0 for all three, and opening a FIFO for reading blocks. On Unix the type comes from the stat mode bits of
/// the final target (symbolic links are followed).
/// </summary>
internal static partial class FileKinds
{
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int DirectoryType = 0x4000;
    private const int FifoType = 0x1000;
    private const int CharacterDeviceType = 0x2000;
    private const int BlockDeviceType = 0x6000;
    private const int SocketType = 0xC000;

    // statx(2) has one layout on every Linux architecture (unlike struct stat); stx_mode is the u16 at offset 28.
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int StatxModeOffset = 28;

    // Darwin's 64-bit-inode struct stat (the default since 10.6) starts with st_dev (4 bytes) then st_mode (u16).
    private const int DarwinStatSize = 256;
    private const int DarwinModeOffset = 4;

    /// <summary>What <paramref name="path"/> is, following symbolic links.</summary>
    public static FileKind Of(string path)
    {
        if (Directory.Exists(path))
        {
            return FileKind.Directory;
        }

        if (!File.Exists(path))
        {
            return FileKind.Missing;
        }

        return ModeOf(path) is { } mode ? FromMode(mode) : FileKind.Regular;
    }

    /// <summary>The article and noun a message uses for <paramref name="kind"/>.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Device => "a device",
        FileKind.Socket => "a socket",
        FileKind.Directory => "a folder",
        FileKind.Missing => "missing",
        _ => "a regular file",
    };

    private static FileKind FromMode(int mode) => (mode & TypeMask) switch
    {
        RegularType => FileKind.Regular,
        DirectoryType => FileKind.Directory,
        FifoType => FileKind.Fifo,
        CharacterDeviceType or BlockDeviceType => FileKind.Device,
        SocketType => FileKind.Socket,
        _ => FileKind.Regular,
    };

    /// <summary>The stat mode bits, or null where the platform has no such thing (Windows has no FIFOs or device files on disk).</summary>
    private static int? ModeOf(string path)
    {
        var buffer = new byte[Math.Max(StatxSize, DarwinStatSize)];
        if (OperatingSystem.IsLinux())
        {
            return Statx(AtCurrentDirectory, path, 0, StatxType, buffer) == 0 ? BitConverter.ToUInt16(buffer, StatxModeOffset) : null;
        }

        if (OperatingSystem.IsMacOS())
        {
            var result = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? DarwinStatX64(path, buffer) : DarwinStat(path, buffer);
            return result == 0 ? BitConverter.ToUInt16(buffer, DarwinModeOffset) : null;
        }

        return null;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int DarwinStat(string path, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "stat$INODE64", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int DarwinStatX64(string path, [Out] byte[] buffer);
}
