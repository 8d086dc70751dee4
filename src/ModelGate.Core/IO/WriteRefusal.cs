namespace ModelGate.Core.IO;

/// <summary>
/// Tells the storage refusing a write (no permission, a read-only file system, a full disk or quota) from a fault
/// of ours: the first is the user's to fix, so front ends report it as bad input, not as a bug.
/// </summary>
public static class WriteRefusal
{
    // .NET on Unix puts the errno of an I/O error it has no own exception type for in HResult.
    private const int UnixNoSpace = 28;
    private const int UnixReadOnlyFileSystem = 30;
    private const int LinuxQuotaExceeded = 122;
    private const int MacQuotaExceeded = 69;

    // Windows errors arrive as HRESULTs from Win32 codes.
    private const int WindowsWriteProtected = unchecked((int)0x80070013);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);
    private const int WindowsDiskFull = unchecked((int)0x80070070);

    /// <summary>Why the storage refused, in a few words ("read-only file system"); null when it is not such a refusal.</summary>
    public static string? Reason(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case UnauthorizedAccessException:
                    return "permission denied";
                case IOException io when io.HResult is UnixReadOnlyFileSystem or WindowsWriteProtected:
                    return "read-only file system";
                case IOException io when io.HResult is UnixNoSpace or WindowsDiskFull or WindowsHandleDiskFull:
                    return "no space left on the device";
                case IOException io when io.HResult is LinuxQuotaExceeded && OperatingSystem.IsLinux() || io.HResult is MacQuotaExceeded && OperatingSystem.IsMacOS():
                    return "disk quota exceeded";
            }
        }

        return null;
    }
}
