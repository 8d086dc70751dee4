using System.Buffers.Binary;
using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Core.Tensors;

/// <summary>
/// The weights of a Hugging Face model folder, sharded (<c>model.safetensors.index.json</c>) or not.
/// Every shard's header is read and cross-checked against the index when the folder is opened, so a broken download
/// fails before any work starts; the data of a shard is memory-mapped only when first read, then kept mapped.
/// A streamed folder (<see cref="StreamedFolders"/>) has no weight files: headers are fetched when it is opened and
/// each tensor's bytes when it is read, the last few kept in memory so that hashing and then reading one costs one fetch.
/// Reads are safe from several threads.
/// </summary>
public sealed class ModelWeights : IDisposable
{
    /// <summary>An index is a few MB even for the largest models; the cap only keeps a hostile file from exhausting memory.</summary>
    private const long MaxIndexBytes = 100L * 1024 * 1024;

    /// <summary>Tensors of a streamed model kept after a fetch: the pipeline hashes a tensor, then reads it, then moves on.</summary>
    private const int RecentRemoteTensors = 3;
    private const int RemoteCheckChunkBytes = 16 << 20;

    private readonly Shard[] shards;
    private readonly LinkedList<(TensorInfo Tensor, byte[] Bytes)> recentRemote = new();
    private readonly Dictionary<string, (TensorInfo Info, Shard Shard)> byName;
    private readonly TensorInfo[] sortedTensors;
    private bool disposed;

    private ModelWeights(string folder, Shard[] shards, bool isSharded)
    {
        Folder = folder;
        this.shards = shards;
        IsSharded = isSharded;
        byName = new Dictionary<string, (TensorInfo, Shard)>(StringComparer.Ordinal);
        foreach (var shard in shards)
        {
            foreach (var tensor in shard.Header.Tensors)
            {
                // Only reachable without an index (one file); the index cross-check already rejects a name in two shards.
                if (!byName.TryAdd(tensor.Name, (tensor, shard)))
                {
                    throw new UserInputException($"{shard.FullPath}: tensor {MessageText.Quote(tensor.Name)} appears in more than one shard");
                }
            }
        }

        sortedTensors = [.. byName.Values.Select(v => v.Info).OrderBy(t => t.Name, StringComparer.Ordinal)];
        ShardFiles = [.. shards.Select(s => s.FileName)];
    }

    /// <summary>Full path of the model folder.</summary>
    public string Folder { get; }

    /// <summary>All tensors of all shards, sorted by name (ordinal).</summary>
    public IReadOnlyList<TensorInfo> Tensors => sortedTensors;

    /// <summary>Shard file names (not paths), sorted, which for Hugging Face's <c>model-0000k-of-0000n</c> naming is shard order.</summary>
    public IReadOnlyList<string> ShardFiles { get; }

    /// <summary>Whether the weights came from <c>model.safetensors.index.json</c>.</summary>
    public bool IsSharded { get; }

    /// <summary>Bytes fetched from the registry for a streamed model so far (its source's count); 0 for local files.</summary>
    public long BytesFetched => shards.Select(s => s.Remote).OfType<IRemoteShardSource>().FirstOrDefault()?.BytesRead ?? 0;

    public static ModelWeights Open(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        // Trimmed so that Folder and the shard paths built from it look the same whether or not the caller added a slash.
        var fullFolder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (!Directory.Exists(fullFolder))
        {
            throw new UserInputException($"{fullFolder}: model folder not found");
        }

        var indexPath = Path.Combine(fullFolder, ShardFileNames.IndexFileName);
        var remote = StreamedFolders.SourceOf(fullFolder);
        if (File.Exists(indexPath))
        {
            return OpenSharded(fullFolder, indexPath, remote);
        }

        if (remote is not null)
        {
            var name = remote.Contains(ShardFileNames.SingleFileName) ? ShardFileNames.SingleFileName
                : remote.SafetensorsFiles.Count == 1 ? remote.SafetensorsFiles[0]
                : throw new UserInputException($"{fullFolder}: the registry holds {remote.SafetensorsFiles.Count} .safetensors files but no {ShardFileNames.SingleFileName} or {ShardFileNames.IndexFileName}");
            return new ModelWeights(fullFolder, [new Shard(name, Path.Combine(fullFolder, name), remote)], isSharded: false);
        }

        var single = Path.Combine(fullFolder, ShardFileNames.SingleFileName);
        if (File.Exists(single))
        {
            return OpenSingle(fullFolder, ShardFileNames.SingleFileName);
        }

        var candidates = Directory.GetFiles(fullFolder, "*.safetensors").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (candidates.Length == 1)
        {
            return OpenSingle(fullFolder, candidates[0]);
        }

        if (candidates.Length > 1)
        {
            throw new UserInputException(
                $"{fullFolder}: {candidates.Length} .safetensors files ({string.Join(", ", candidates)}) but no {ShardFileNames.SingleFileName} or {ShardFileNames.IndexFileName}, so which ones hold the model is ambiguous");
        }

        var pickles = Directory.GetFiles(fullFolder, "*.bin").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (pickles.Length > 0)
        {
            var quoted = fullFolder.Replace("'", "\\'", StringComparison.Ordinal);
            throw new UserInputException(
                $"{fullFolder}: only PyTorch pickle checkpoints ({string.Join(", ", pickles)}); ModelGate does not read pickle files because loading them can run arbitrary code. "
                + $"Convert the folder to safetensors with: python -c \"from transformers import AutoModel; p='{quoted}'; AutoModel.from_pretrained(p).save_pretrained(p, safe_serialization=True)\"");
        }

        throw new UserInputException($"{fullFolder}: no model weights found (expected {ShardFileNames.IndexFileName}, {ShardFileNames.SingleFileName} or one *.safetensors file)");
    }

    public bool TryGet(string name, out TensorInfo info)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (byName.TryGetValue(name, out var entry))
        {
            info = entry.Info;
            return true;
        }

        info = null!;
        return false;
    }

    public TensorInfo Get(string name)
    {
        if (TryGet(name, out var info))
        {
            return info;
        }

        throw new UserInputException($"{Folder}: the model has no tensor named {MessageText.Quote(name)}");
    }

    /// <summary>File name of the shard holding <paramref name="tensorName"/>.</summary>
    public string ShardOf(string tensorName) => ShardFor(Get(tensorName)).FileName;

    /// <summary>The tensors stored in one shard file, in their order in that file.</summary>
    public IReadOnlyList<TensorInfo> TensorsInShard(string shardFile) =>
        sortedTensors.Where(t => ShardOf(t.Name) == shardFile).OrderBy(t => t.DataStart).ToArray();

    /// <inheritdoc cref="SafetensorsFile.GetBytes"/>
    public ReadOnlySpan<byte> GetBytes(TensorInfo t) => ShardFor(t).Remote is null ? FileFor(t).GetBytes(t) : RemoteBytes(t);

    /// <inheritdoc cref="SafetensorsFile.CopyBytes"/>
    public void CopyBytes(TensorInfo t, long byteOffset, Span<byte> destination)
    {
        var shard = ShardFor(t);
        if (shard.Remote is null)
        {
            FileFor(t).CopyBytes(t, byteOffset, destination);
            return;
        }

        if (byteOffset < 0 || byteOffset > t.ByteLength || destination.Length > t.ByteLength - byteOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(byteOffset), $"Bytes [{byteOffset}, {byteOffset + destination.Length}) are outside tensor {MessageText.Quote(t.Name)} of {t.ByteLength} bytes.");
        }

        if (t.ByteLength <= int.MaxValue)
        {
            RemoteBytes(t).AsSpan((int)byteOffset, destination.Length).CopyTo(destination);
            return;
        }

        shard.Remote.Read(shard.FileName, shard.Header.DataSectionStart + t.DataStart + byteOffset, destination.Length).CopyTo(destination);
    }

    /// <inheritdoc cref="SafetensorsFile.ReadFloat32"/>
    public float[] ReadFloat32(TensorInfo t)
    {
        if (ShardFor(t).Remote is null)
        {
            return FileFor(t).ReadFloat32(t);
        }

        var result = new float[t.ElementCount];
        DTypeConversion.ToFloat32(GetBytes(t), t.DType, result);
        NonFiniteValues.ThrowIfAny(result, 0, NonFiniteValues.Subject(ShardFor(t).FullPath, t.Name));
        return result;
    }

    /// <inheritdoc cref="SafetensorsFile.CheckFinite"/>
    /// <remarks>A streamed tensor is fetched in ranges of at most <see cref="RemoteCheckChunkBytes"/> to be checked.</remarks>
    public void CheckFinite(TensorInfo t)
    {
        var shard = ShardFor(t);
        if (shard.Remote is null)
        {
            FileFor(t).CheckFinite(t);
            return;
        }

        if (!TensorDTypes.IsFloatingPoint(t.DType))
        {
            return;
        }

        var size = TensorDTypes.SizeOf(t.DType);
        var chunk = new byte[(int)Math.Min(t.ByteLength, RemoteCheckChunkBytes / size * size)];
        for (long done = 0; done < t.ByteLength; done += chunk.Length)
        {
            var part = chunk.AsSpan(0, (int)Math.Min(chunk.Length, t.ByteLength - done));
            CopyBytes(t, done, part);
            NonFiniteValues.ThrowIfAny(part, t.DType, done / size, NonFiniteValues.Subject(shard.FullPath, t.Name));
        }
    }

    /// <summary><see cref="CheckFinite"/> for every tensor of every shard, shard by shard in file order.</summary>
    public void CheckAllFinite(CancellationToken cancellationToken)
    {
        foreach (var shard in shards)
        {
            foreach (var t in shard.Header.Tensors.OrderBy(t => t.DataStart))
            {
                cancellationToken.ThrowIfCancellationRequested();
                CheckFinite(t);
            }
        }
    }

    /// <inheritdoc cref="SafetensorsFile.ReadBytes"/>
    public void ReadBytes(TensorInfo t, long byteOffset, Span<byte> destination) => FileFor(t).ReadBytes(t, byteOffset, destination);

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var shard in shards)
        {
            lock (shard)
            {
                shard.File?.Dispose();
                shard.File = null;
            }
        }
    }

    private static ModelWeights OpenSingle(string folder, string fileName)
    {
        var shard = new Shard(fileName, Path.Combine(folder, fileName), null);
        return new ModelWeights(folder, [shard], isSharded: false);
    }

    private static ModelWeights OpenSharded(string folder, string indexPath, IRemoteShardSource? remote)
    {
        var weightMap = ReadWeightMap(indexPath);
        var shardsByName = new Dictionary<string, Shard>(StringComparer.Ordinal);
        foreach (var (tensor, fileName) in weightMap)
        {
            if (shardsByName.ContainsKey(fileName))
            {
                continue;
            }

            if (!ShardFileNames.IsPlainFileName(fileName))
            {
                throw new UserInputException(
                    $"{indexPath}: weight_map puts tensor {MessageText.Quote(tensor)} in {MessageText.Quote(fileName)}, which is not a plain file name inside the model folder");
            }

            var shardPath = Path.Combine(folder, fileName);
            if (!(remote?.Contains(fileName) ?? File.Exists(shardPath)))
            {
                throw new UserInputException(
                    $"{indexPath}: weight_map puts tensor {MessageText.Quote(tensor)} in shard {MessageText.Quote(fileName)}, which does not exist in {folder}; incomplete download?");
            }

            shardsByName.Add(fileName, new Shard(fileName, shardPath, remote));
        }

        foreach (var (tensor, fileName) in weightMap)
        {
            var shard = shardsByName[fileName];
            if (!shard.TensorNames.Contains(tensor))
            {
                throw new UserInputException(
                    $"{indexPath}: weight_map puts tensor {MessageText.Quote(tensor)} in {shard.FullPath}, which has no such tensor");
            }
        }

        foreach (var shard in shardsByName.Values)
        {
            foreach (var tensor in shard.Header.Tensors)
            {
                if (!weightMap.TryGetValue(tensor.Name, out var mapped))
                {
                    throw new UserInputException(
                        $"{shard.FullPath}: tensor {MessageText.Quote(tensor.Name)} is not listed in the weight_map of {indexPath}");
                }

                if (mapped != shard.FileName)
                {
                    throw new UserInputException(
                        $"{shard.FullPath}: tensor {MessageText.Quote(tensor.Name)} is also here, but the weight_map of {indexPath} puts it in {MessageText.Quote(mapped)}");
                }
            }
        }

        var ordered = shardsByName.Values.OrderBy(s => s.FileName, StringComparer.Ordinal).ToArray();
        return new ModelWeights(folder, ordered, isSharded: true);
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        byte[] bytes;
        try
        {
            bytes = BoundedFile.ReadAllBytes(indexPath, MaxIndexBytes, "safetensors index file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{indexPath}: cannot read: {e.Message}", e);
        }

        const string Expected = "weight_map must be an object mapping tensor names to shard file names";
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new UserInputException($"{indexPath}: not a JSON object");
            }

            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new UserInputException($"{indexPath}: {Expected}");
            }

            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                {
                    throw new UserInputException($"{indexPath}: {Expected}; tensor {MessageText.Quote(entry.Name)} maps to {entry.Value.ValueKind}");
                }

                if (!weightMap.TryAdd(entry.Name, entry.Value.GetString()!))
                {
                    throw new UserInputException($"{indexPath}: weight_map lists tensor {MessageText.Quote(entry.Name)} twice");
                }
            }

            if (weightMap.Count == 0)
            {
                throw new UserInputException($"{indexPath}: weight_map lists no tensors");
            }

            return weightMap;
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{indexPath}: not valid JSON: {e.Message}", e);
        }
    }

    private Shard ShardFor(TensorInfo t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (!byName.TryGetValue(t.Name, out var entry) || !string.Equals(entry.Shard.FullPath, t.FilePath, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Tensor {MessageText.Quote(t.Name)} from {t.FilePath} is not part of the model in {Folder}.", nameof(t));
        }

        return entry.Shard;
    }

    /// <summary>
    /// A streamed tensor's bytes: fetched as one range read, verified only by the header's structure (a range cannot
    /// be checked against the whole file's checksum); what is computed from them is keyed by their own hash.
    /// </summary>
    private byte[] RemoteBytes(TensorInfo t)
    {
        var shard = ShardFor(t);
        if (t.ByteLength > int.MaxValue)
        {
            throw new UserInputException($"{shard.FullPath}: tensor {MessageText.Quote(t.Name)} is {t.ByteLength} bytes, too large for one span; it has to be read in parts with CopyBytes");
        }

        lock (recentRemote)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            for (var node = recentRemote.First; node is not null; node = node.Next)
            {
                if (ReferenceEquals(node.Value.Tensor, t) || (node.Value.Tensor.Name == t.Name && node.Value.Tensor.FilePath == t.FilePath))
                {
                    recentRemote.Remove(node);
                    recentRemote.AddFirst(node);
                    return node.Value.Bytes;
                }
            }
        }

        var bytes = shard.Remote!.Read(shard.FileName, shard.Header.DataSectionStart + t.DataStart, (int)t.ByteLength);
        lock (recentRemote)
        {
            recentRemote.AddFirst((t, bytes));
            while (recentRemote.Count > RecentRemoteTensors)
            {
                recentRemote.RemoveLast();
            }
        }

        return bytes;
    }

    private SafetensorsFile FileFor(TensorInfo t)
    {
        var shard = ShardFor(t);
        lock (shard)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return shard.File ??= shard.Map();
        }
    }

    /// <summary>One safetensors file of the model: header read at open, data mapped on first use.</summary>
    private sealed class Shard
    {
        public Shard(string fileName, string fullPath, IRemoteShardSource? remote)
        {
            FileName = fileName;
            FullPath = fullPath;
            Remote = remote;
            if (remote is null)
            {
                using var handle = OpenForHeader(fullPath);
                Header = SafetensorsHeader.Read(handle, fullPath);
            }
            else
            {
                Header = ReadRemoteHeader(remote, fileName, fullPath);
            }

            TensorNames = new HashSet<string>(Header.Tensors.Select(t => t.Name), StringComparer.Ordinal);
        }

        public string FileName { get; }

        public string FullPath { get; }

        public SafetensorsHeader Header { get; }

        public HashSet<string> TensorNames { get; }

        public SafetensorsFile? File { get; set; }

        /// <summary>Where a streamed shard's bytes come from; null for a local file.</summary>
        public IRemoteShardSource? Remote { get; }

        /// <summary>
        /// The file is opened again here, possibly long after its header was checked; if it was replaced in between, the
        /// infos handed out earlier would describe other bytes, so that is an error rather than silently wrong data.
        /// </summary>
        public SafetensorsFile Map()
        {
            var file = SafetensorsFile.Open(FullPath);
            var unchanged = file.Tensors.Count == Header.Tensors.Count
                && file.Tensors.Zip(Header.Tensors).All(p => p.First.Name == p.Second.Name
                    && p.First.DType == p.Second.DType
                    && p.First.DataStart == p.Second.DataStart
                    && p.First.DataEnd == p.Second.DataEnd
                    && p.First.Shape.AsSpan().SequenceEqual(p.Second.Shape));
            if (!unchanged)
            {
                file.Dispose();
                throw new UserInputException($"{FullPath}: the file changed on disk after the model was opened");
            }

            return file;
        }

        /// <summary>Two range reads: the 8-byte length, then the JSON header, checked exactly as a local file's is.</summary>
        private static SafetensorsHeader ReadRemoteHeader(IRemoteShardSource remote, string fileName, string fullPath)
        {
            var length = remote.LengthOf(fileName);
            if (length < 8)
            {
                throw new UserInputException($"{fullPath}: file is {length} bytes, shorter than the 8-byte header length prefix; not a safetensors file");
            }

            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(remote.Read(fileName, 0, 8));
            if (headerLength > SafetensorsHeader.MaxHeaderLength || (long)headerLength > length - 8)
            {
                throw new UserInputException($"{fullPath}: header length {headerLength} does not fit the {length}-byte file; not a safetensors file or truncated");
            }

            var header = remote.Read(fileName, 8, (int)headerLength);
            var dataStart = 8 + (long)headerLength;
            return SafetensorsHeader.Parse(header, fullPath, dataStart, length - dataStart);
        }

        private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenForHeader(string fullPath)
        {
            BoundedFile.RequireRegular(fullPath, "safetensors file");
            try
            {
                return System.IO.File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{fullPath}: cannot open: {e.Message}", e);
            }
        }
    }
}
