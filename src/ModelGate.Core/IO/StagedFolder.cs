using ModelGate.Core.Errors;

namespace ModelGate.Core.IO;

/// <summary>
/// Writes a folder under a temporary name beside its destination and renames it into place at the end, so a failed
/// or cancelled write leaves nothing behind and replaces nothing; an existing non-empty destination is replaced only
/// when asked, and only once the new folder is complete. The staging folder is named for its owning process
/// (<see cref="TemporaryOwner"/>), so the next write into the same parent removes what a killed process left there.
/// </summary>
public static class StagedFolder
{
    public static void Write(string destination, bool replace, Action<string> fill)
    {
        var output = Path.GetFullPath(destination);
        if (File.Exists(output))
        {
            throw new UserInputException(InputField.Output, $"{destination}: is a file");
        }

        var replacing = Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any();
        if (replacing && !replace)
        {
            throw new UserInputException(InputField.Output, $"{destination}: folder exists and is not empty; force the replacement to replace it once the new one is complete");
        }

        var parent = Path.GetDirectoryName(output)!;
        var createdParent = !Directory.Exists(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(output)}.modelgate-{TemporaryOwner.Current.Tag}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(parent);
            RemoveOrphans(parent);
            Directory.CreateDirectory(staging);
            fill(staging);
            Publish(staging, output, replacing);
        }
        catch (Exception e)
        {
            TryDelete(staging);
            if (createdParent && Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
            {
                TryDelete(parent);
            }

            if (e is not UserInputException && WriteRefusal.Reason(e) is { } reason)
            {
                // Found only at write time (the disk filled during the run): the user's to fix, and nothing was replaced.
                throw new UserInputException(InputField.Output, $"{destination}: cannot write ({reason}); nothing was written", e);
            }

            throw;
        }
    }

    private static void Publish(string staging, string output, bool replacing)
    {
        if (!replacing)
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output);
            }

            Directory.Move(staging, output);
            return;
        }

        // Keep the old folder until the new one is in place: nothing is lost if the process dies in between.
        var old = staging + ".old";
        Directory.Move(output, old);
        Directory.Move(staging, output);
        TryDelete(old);
    }

    /// <summary>
    /// Deletes the staging folders of processes that are gone. A <c>.old</c> folder holds the previous output while
    /// it is being replaced: it goes only once the output it was replaced by is there, so a kill between the two
    /// renames never costs the user their folder.
    /// </summary>
    private static void RemoveOrphans(string parent)
    {
        foreach (var folder in Directory.EnumerateDirectories(parent, ".*.modelgate-*"))
        {
            if (!TemporaryOwner.IsOrphan(folder))
            {
                continue;
            }

            var name = Path.GetFileName(folder);
            if (name.EndsWith(".old", StringComparison.Ordinal))
            {
                var output = Path.Combine(parent, name[1..name.LastIndexOf(".modelgate-", StringComparison.Ordinal)]);
                if (!Directory.Exists(output))
                {
                    continue;
                }
            }

            TryDelete(folder);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
