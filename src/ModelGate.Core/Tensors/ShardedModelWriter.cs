using System.Text.Encodings.Web;
using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Core.Tensors;

/// <summary>
/// Writes a model's tensors into a folder with a given shard layout (typically the source model's, so tools that expect
/// that layout keep working). Tensors are streamed one by one, shard after shard, each shard through a
/// <see cref="SafetensorsWriter"/>; only the shard being written holds an open file and buffer, so memory stays bounded.
/// Nothing appears under a final name until <see cref="Commit"/>, which renames the shards and then, last, writes
/// <c>model.safetensors.index.json</c> (when there is more than one shard), so a reader never sees an index whose
/// shards are missing.
/// </summary>
public sealed class ShardedModelWriter : IDisposable
{
    private readonly (string FileName, TensorSpec[] Tensors)[] layout;
    private readonly IReadOnlyDictionary<string, string>? metadata;
    private readonly SafetensorsWriter?[] writers;
    private int currentShard = -1;
    private bool committed;
    private bool disposed;

    /// <param name="folder">Destination folder; created if missing.</param>
    /// <param name="shards">Shard file names (plain names, no folders) with their tensors, in writing order.</param>
    /// <param name="metadata">Written as <c>__metadata__</c> into every shard (Hugging Face puts <c>{"format": "pt"}</c> there).</param>
    public ShardedModelWriter(
        string folder,
        IReadOnlyList<(string FileName, IReadOnlyList<TensorSpec> Tensors)> shards,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
        {
            throw new ArgumentException("A model needs at least one shard.", nameof(shards));
        }

        Folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        layout = new (string, TensorSpec[])[shards.Count];
        var fileNames = new HashSet<string>(StringComparer.Ordinal);
        var tensorNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < shards.Count; i++)
        {
            var (fileName, tensors) = shards[i];
            ArgumentNullException.ThrowIfNull(tensors, nameof(shards));
            if (!ShardFileNames.IsPlainFileName(fileName) || fileName == ShardFileNames.IndexFileName)
            {
                throw new ArgumentException($"Shard file name {MessageText.Quote(fileName ?? "")} is not a plain file name for a shard.", nameof(shards));
            }

            if (!fileNames.Add(fileName))
            {
                throw new ArgumentException($"Shard file name {MessageText.Quote(fileName)} is listed twice.", nameof(shards));
            }

            foreach (var spec in tensors)
            {
                if (!tensorNames.Add(spec.Name))
                {
                    throw new ArgumentException($"Tensor {MessageText.Quote(spec.Name)} is listed in more than one place.", nameof(shards));
                }
            }

            layout[i] = (fileName, tensors.ToArray());
        }

        this.metadata = metadata;
        writers = new SafetensorsWriter?[layout.Length];
        try
        {
            Directory.CreateDirectory(Folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{Folder}: cannot create output folder: {e.Message}", e);
        }
    }

    /// <summary>Full path of the destination folder.</summary>
    public string Folder { get; }

    /// <summary>Starts the next tensor (in shard order, then spec order); see <see cref="SafetensorsWriter.BeginTensor"/>.</summary>
    public void BeginTensor(string name) => WriterFor(name).BeginTensor(name);

    /// <inheritdoc cref="SafetensorsWriter.WriteTensorChunk"/>
    public void WriteTensorChunk(ReadOnlySpan<byte> chunk) => CurrentWriter().WriteTensorChunk(chunk);

    /// <inheritdoc cref="SafetensorsWriter.WriteTensorChunkFloat32"/>
    public void WriteTensorChunkFloat32(ReadOnlySpan<float> values) => CurrentWriter().WriteTensorChunkFloat32(values);

    /// <inheritdoc cref="SafetensorsWriter.WriteTensor"/>
    public void WriteTensor(string name, ReadOnlySpan<byte> data) => WriterFor(name).WriteTensor(name, data);

    /// <inheritdoc cref="SafetensorsWriter.WriteTensorFloat32"/>
    public void WriteTensorFloat32(string name, ReadOnlySpan<float> values) => WriterFor(name).WriteTensorFloat32(name, values);

    /// <summary>
    /// Finishes shard <paramref name="fileName"/> (every tensor of it written) and renames it into place now, ahead of
    /// <see cref="Commit"/>, so that it can be handed on (uploaded, then deleted) before the next shard grows: the
    /// folder is then a work folder, not what readers see. Returns the shard's path.
    /// </summary>
    public string CommitShard(string fileName)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var shard = Array.FindIndex(layout, s => s.FileName == fileName);
        if (shard < 0)
        {
            throw new ArgumentException($"{MessageText.Quote(fileName)} is not a shard of this model.", nameof(fileName));
        }

        var writer = writers[shard] ??= CreateWriter(shard);
        writer.Commit();
        return writer.Path;
    }

    /// <summary>
    /// Checks every tensor of every shard was written, renames the shards into place, then writes the index when there
    /// is more than one shard. With a single shard a stale index from an earlier run is removed, since readers would
    /// otherwise prefer it over the new file.
    /// </summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (committed)
        {
            return;
        }

        // Finish every shard before renaming any, so an incomplete model fails without touching the destination.
        for (var i = 0; i < writers.Length; i++)
        {
            (writers[i] ??= CreateWriter(i)).Complete();
        }

        foreach (var writer in writers)
        {
            writer!.Commit();
        }

        var indexPath = Path.Combine(Folder, ShardFileNames.IndexFileName);
        if (layout.Length > 1)
        {
            WriteAtomically(indexPath, BuildIndex());
        }
        else
        {
            File.Delete(indexPath);
        }

        committed = true;
    }

    /// <summary>Deletes every temporary shard file unless <see cref="Commit"/> succeeded.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var writer in writers)
        {
            writer?.Dispose();
        }
    }

    private SafetensorsWriter WriterFor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(disposed, this);

        // Move on to the next non-empty shard only once the current one has nothing left to take: then the name must be
        // its first tensor. Until then the current shard's writer reports any ordering mistake.
        while (currentShard < 0 || (writers[currentShard]!.IsFinished && currentShard + 1 < layout.Length))
        {
            if (currentShard >= 0)
            {
                writers[currentShard]!.Complete();
            }

            currentShard++;
            writers[currentShard] ??= CreateWriter(currentShard);
        }

        return writers[currentShard]!;
    }

    private SafetensorsWriter CurrentWriter()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (currentShard < 0)
        {
            throw new InvalidOperationException($"{Folder}: {nameof(BeginTensor)} must be called before writing tensor bytes.");
        }

        return writers[currentShard]!;
    }

    private SafetensorsWriter CreateWriter(int shard) =>
        SafetensorsWriter.Create(Path.Combine(Folder, layout[shard].FileName), layout[shard].Tensors, metadata);

    /// <summary>The index format transformers writes: total data bytes and the tensor to shard map, sorted by tensor name.</summary>
    private byte[] BuildIndex()
    {
        long totalSize = 0;
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (fileName, tensors) in layout)
        {
            foreach (var spec in tensors)
            {
                totalSize += spec.ByteLength;
                weightMap.Add(spec.Name, fileName);
            }
        }

        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            writer.WriteNumber("total_size", totalSize);
            writer.WriteEndObject();
            writer.WriteStartObject("weight_map");
            foreach (var (tensor, fileName) in weightMap)
            {
                writer.WriteString(tensor, fileName);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        json.WriteByte((byte)'\n');
        return json.ToArray();
    }

    private static void WriteAtomically(string path, byte[] contents)
    {
        var tempPath = TemporaryOwner.TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(tempPath);
            throw new UserInputException($"{path}: cannot write: {e.Message}", e);
        }
    }
}
