using System.Text;
using ModelGate.Core.Errors;

namespace ModelGate.Core.IO;

/// <summary>
/// Writes a file under a temporary name and renames it, so readers never see it half-written. The temporary name
/// carries its owning process (<see cref="TemporaryOwner"/>), so the next write of the same file removes what a killed
/// process left beside it.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string contents)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new UserInputException($"{path}: folder {folder} does not exist");
        }

        var hidden = Path.Combine(folder, "." + Path.GetFileName(full));
        RemoveOrphans(folder, hidden);
        var temp = TemporaryOwner.TemporaryPathFor(hidden);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(contents);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (WriteRefusal.Reason(e) is { } reason)
            {
                // Found only now (the disk filled or was remounted during the run): the user's to fix, and nothing was replaced.
                throw new UserInputException($"{path}: cannot write ({reason}); nothing was written", e);
            }

            throw;
        }
    }

    private static void RemoveOrphans(string folder, string hidden)
    {
        try
        {
            foreach (var orphan in Directory.EnumerateFiles(folder, Path.GetFileName(hidden) + ".tmp-*").Where(TemporaryOwner.IsOrphan))
            {
                TryDelete(orphan);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder that cannot be listed will fail the write itself, with the error worth reporting.
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Where the temporary file could not be made, it cannot be removed either; the first error is the one to report.
        }
    }
}
