using ModelGate.Core.Errors;

namespace ModelGate.Core.IO;

/// <summary>
/// Checks a run's outputs against its inputs and its storage before any work: no output may be an input, lie inside
/// an input folder or (when it is a folder the run fills) hold one, with every path resolved and its symbolic links
/// followed; and every output's folder must exist (or be creatable) and take a file now. So a mistyped path loses
/// no weights, and a read-only or full location fails in a second rather than after a long analysis.
/// </summary>
/// <remarks>
/// Inputs are named by what they are ("the base model folder"), outputs by what the user wrote them as (an
/// option); messages name both. Null or empty paths are skipped, so optional inputs and outputs pass straight in.
/// </remarks>
public sealed class OutputGuard
{
    private readonly List<Input> _inputs = [];
    private readonly List<Output> _outputs = [];

    private enum OutputKind
    {
        File,
        Folder,
        Cache,
    }

    /// <summary>A file or folder the run reads.</summary>
    public OutputGuard Reads(string? path, string what)
    {
        if (!string.IsNullOrEmpty(path))
        {
            _inputs.Add(new Input(path, what, RealPath.Resolve(path)));
        }

        return this;
    }

    /// <summary>Files or folders the run reads, all described alike.</summary>
    public OutputGuard Reads(IEnumerable<string> paths, string what)
    {
        foreach (var path in paths)
        {
            Reads(path, what);
        }

        return this;
    }

    /// <summary>A file the run writes (under a temporary name beside it, then renamed): its folder must exist.</summary>
    public OutputGuard WritesFile(string? path, string name) => Writes(path, name, OutputKind.File);

    /// <summary>A folder the run creates and fills; the folders above it are created when missing.</summary>
    public OutputGuard WritesFolder(string? path, string name) => Writes(path, name, OutputKind.Folder);

    /// <summary>
    /// A cache folder the run adds entries to. It may hold inputs (fetched models live in it), but must be none of
    /// them nor lie inside one; whether it takes writes is the cache's own concern, as it can run without.
    /// </summary>
    public OutputGuard WritesCache(string? path, string name) => Writes(path, name, OutputKind.Cache);

    /// <summary>Throws a <see cref="UserInputException"/> naming the output and what it collides with; otherwise returns.</summary>
    public void Check()
    {
        foreach (var output in _outputs)
        {
            CheckAgainstInputs(output);
        }

        CheckOutputsApart();

        foreach (var output in _outputs.Where(o => o.Kind != OutputKind.Cache))
        {
            CheckWritable(output);
        }
    }

    private OutputGuard Writes(string? path, string name, OutputKind kind)
    {
        if (!string.IsNullOrEmpty(path))
        {
            _outputs.Add(new Output(path, name, kind, RealPath.Resolve(path)));
        }

        return this;
    }

    /// <summary>The closest collision is named: the very file before the folder that holds it.</summary>
    private void CheckAgainstInputs(Output output)
    {
        if (_inputs.FirstOrDefault(i => string.Equals(output.Resolved, i.Resolved, RealPath.Comparison)) is { } same)
        {
            throw new UserInputException($"{output}: is an input of this run ({same}); choose another path");
        }

        if (_inputs.FirstOrDefault(i => RealPath.IsSameOrInside(output.Resolved, i.Resolved)) is { } around)
        {
            throw new UserInputException($"{output}: lies inside {around}, an input of this run; choose another path");
        }

        if (output.Kind == OutputKind.Folder && _inputs.FirstOrDefault(i => RealPath.IsSameOrInside(i.Resolved, output.Resolved)) is { } held)
        {
            throw new UserInputException($"{output}: holds {held}, an input of this run; choose another path");
        }
    }

    /// <summary>Two outputs on one path would leave only the last one written, silently: refused like an input collision.</summary>
    private void CheckOutputsApart()
    {
        var written = _outputs.Where(o => o.Kind != OutputKind.Cache).ToList();
        for (var i = 0; i < written.Count; i++)
        {
            for (var j = i + 1; j < written.Count; j++)
            {
                var (a, b) = (written[i], written[j]);
                if (RealPath.IsSameOrInside(a.Resolved, b.Resolved) || RealPath.IsSameOrInside(b.Resolved, a.Resolved))
                {
                    throw new UserInputException($"{b}: is the same path as {a}, or lies in it; give each output its own path");
                }
            }
        }
    }

    private static void CheckWritable(Output output)
    {
        if (output.Kind == OutputKind.File)
        {
            if (Directory.Exists(output.Resolved))
            {
                throw new UserInputException($"{output}: is a folder; give a file name");
            }

            var folder = Path.GetDirectoryName(output.Resolved)!;
            var existing = NearestExisting(folder);
            if (File.Exists(existing))
            {
                throw new UserInputException($"{output}: {existing} is a file, not a folder");
            }

            if (existing != folder)
            {
                throw new UserInputException($"{output}: folder {folder} does not exist");
            }

            Probe(output, folder);
            return;
        }

        if (File.Exists(output.Resolved))
        {
            throw new UserInputException($"{output}: is a file");
        }

        // The folder is written beside itself under a temporary name (or created with its parents), so the nearest
        // folder that exists above it must take files.
        var above = NearestExisting(Path.GetDirectoryName(output.Resolved) ?? output.Resolved);
        if (File.Exists(above))
        {
            throw new UserInputException($"{output}: {above} is a file, not a folder");
        }

        Probe(output, above);
    }

    private static string NearestExisting(string path)
    {
        var current = path;
        while (!Path.Exists(current) && Path.GetDirectoryName(current) is { } parent)
        {
            current = parent;
        }

        return current;
    }

    /// <summary>Really writes a byte there (and removes it), as only that shows a read-only mount or a full disk.</summary>
    private static void Probe(Output output, string folder)
    {
        var probe = Path.Combine(folder, $".modelgate-write-check-{Guid.NewGuid():N}.tmp");
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose);
            stream.WriteByte(0);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{output}: cannot write in {folder} ({WriteRefusal.Reason(e) ?? e.Message})", e);
        }
    }

    private sealed record Input(string Given, string What, string Resolved)
    {
        public override string ToString() => $"{What} {Given}";
    }

    private sealed record Output(string Given, string Name, OutputKind Kind, string Resolved)
    {
        /// <summary>The output as given and, when links take it elsewhere, where it really leads.</summary>
        public override string ToString() =>
            string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Given)), Resolved, RealPath.Comparison) ? $"{Name} {Given}" : $"{Name} {Given} (→ {Resolved})";
    }
}
