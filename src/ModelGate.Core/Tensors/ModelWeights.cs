using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Core.Tensors;

/// <summary>
/// The weights of a Hugging Face model folder, sharded (<c>model.safetensors.index.json</c>) or not.
/// Every shard's header is read and cross-checked against the index when the folder is opened, so a broken download
/// fails before any work starts; the data of a shard is memory-mapped only when first read, then kept mapped.
/// A streamed folder (<see cref="StreamedFolders"/>) has no weight files: it is opened with <see cref="OpenAsync"/>,
/// which fetches the headers, and a tensor's bytes are fetched with <see cref="FetchAsync"/> before it is read and
/// kept while the lease it returns is held, so that hashing, checking and reading one costs one fetch and no thread
/// ever waits on the network inside a synchronous read. Reads are safe from several threads.
/// </summary>
public sealed class ModelWeights : IDisposable
{
    /// <summary>An index is a few MB even for the largest models; the cap only keeps a hostile file from exhausting memory.</summary>
    private const long MaxIndexBytes = 100L * 1024 * 1024;

    private const int RemoteCheckChunkBytes = 16 << 20;

    /// <summary>A streamed tensor larger than one array is held in parts of this size.</summary>
    private const int RemotePartBytes = 1 << 30;

    private readonly Shard[] shards;

    /// <summary>Streamed tensors fetched and still leased, by shard path and name, with how many leases hold them.</summary>
    private readonly Dictionary<(string File, string Name), (byte[][] Parts, int Leases)> fetched = [];
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

    /// <summary>A folder of local weight files; a streamed folder is opened with <see cref="OpenAsync"/>.</summary>
    public static ModelWeights Open(string folder)
    {
        var fullFolder = FullFolder(folder);
        if (StreamedFolders.SourceOf(fullFolder) is not null)
        {
            throw new InvalidOperationException($"{fullFolder} is streamed from a registry: open it with {nameof(OpenAsync)}, which fetches its headers without blocking.");
        }

        return OpenLocal(fullFolder);
    }

    /// <summary>Any model folder, local or streamed; a streamed one's headers are fetched here.</summary>
    public static async Task<ModelWeights> OpenAsync(string folder, CancellationToken cancellationToken)
    {
        var fullFolder = FullFolder(folder);
        if (StreamedFolders.SourceOf(fullFolder) is not { } remote)
        {
            return OpenLocal(fullFolder);
        }

        var indexPath = Path.Combine(fullFolder, ShardFileNames.IndexFileName);
        if (File.Exists(indexPath))
        {
            var weightMap = ReadWeightMap(indexPath);
            var remoteShards = new List<Shard>();
            foreach (var fileName in CheckedShardFiles(fullFolder, indexPath, weightMap, remote.Contains))
            {
                remoteShards.Add(await Shard.OpenRemoteAsync(remote, fileName, Path.Combine(fullFolder, fileName), cancellationToken));
            }

            return Sharded(fullFolder, indexPath, weightMap, remoteShards);
        }

        var name = remote.Contains(ShardFileNames.SingleFileName) ? ShardFileNames.SingleFileName
            : remote.SafetensorsFiles.Count == 1 ? remote.SafetensorsFiles[0]
            : throw new UserInputException($"{fullFolder}: the registry holds {remote.SafetensorsFiles.Count} .safetensors files but no {ShardFileNames.SingleFileName} or {ShardFileNames.IndexFileName}");
        return new ModelWeights(fullFolder, [await Shard.OpenRemoteAsync(remote, name, Path.Combine(fullFolder, name), cancellationToken)], isSharded: false);
    }

    private static string FullFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        // Trimmed so that Folder and the shard paths built from it look the same whether or not the caller added a slash.
        var fullFolder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return Directory.Exists(fullFolder) ? fullFolder : throw new UserInputException($"{fullFolder}: model folder not found");
    }

    private static ModelWeights OpenLocal(string fullFolder)
    {
        var indexPath = Path.Combine(fullFolder, ShardFileNames.IndexFileName);
        if (File.Exists(indexPath))
        {
            var weightMap = ReadWeightMap(indexPath);
            var fileNames = CheckedShardFiles(fullFolder, indexPath, weightMap, name => File.Exists(Path.Combine(fullFolder, name)));
            return Sharded(fullFolder, indexPath, weightMap, fileNames.Select(name => new Shard(name, Path.Combine(fullFolder, name))));
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

        var parts = FetchedParts(t);
        while (!destination.IsEmpty)
        {
            var part = parts[(int)(byteOffset / RemotePartBytes)];
            var from = (int)(byteOffset % RemotePartBytes);
            var n = Math.Min(part.Length - from, destination.Length);
            part.AsSpan(from, n).CopyTo(destination);
            destination = destination[n..];
            byteOffset += n;
        }
    }

    /// <summary>
    /// Brings a streamed tensor's bytes into memory, where the synchronous reads find them until the returned lease is
    /// disposed; a local tensor needs nothing (its file is mapped) and gets an empty lease. The pipeline fetches a
    /// module's base tensor before it hashes, checks and reads it, so that no thread waits on the network in a read.
    /// </summary>
    public async Task<IDisposable> FetchAsync(TensorInfo t, CancellationToken cancellationToken)
    {
        var shard = ShardFor(t);
        if (shard.Remote is null)
        {
            return NoLease.Instance;
        }

        var key = (shard.FullPath, t.Name);
        lock (fetched)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (fetched.TryGetValue(key, out var held))
            {
                fetched[key] = (held.Parts, held.Leases + 1);
                return new Lease(this, key);
            }
        }

        // Verified only by the header's structure (a range cannot be checked against the whole file's checksum); what
        // is computed from the bytes is keyed by their own hash.
        var partBytes = t.ByteLength <= Array.MaxLength ? t.ByteLength : RemotePartBytes;
        var parts = new byte[(int)((t.ByteLength + partBytes - 1) / partBytes)][];
        for (var i = 0; i < parts.Length; i++)
        {
            var offset = i * partBytes;
            parts[i] = await shard.Remote.ReadAsync(shard.FileName, shard.Header.DataSectionStart + t.DataStart + offset, (int)Math.Min(partBytes, t.ByteLength - offset), cancellationToken);
        }

        lock (fetched)
        {
            fetched[key] = fetched.TryGetValue(key, out var raced) ? (raced.Parts, raced.Leases + 1) : (parts, 1);
        }

        return new Lease(this, key);
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
    /// <remarks>A streamed tensor is checked in its fetched bytes (<see cref="FetchAsync"/>).</remarks>
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

    /// <summary>
    /// What identifies each shard file without reading its tensors (<see cref="ShardIdentity"/>): a streamed shard's
    /// SHA-256 is the registry's where it gives one, a local file's is not computed (see <see cref="ScanAsync"/>).
    /// </summary>
    public IReadOnlyList<ShardIdentity> ShardIdentities =>
        [.. shards.Select(s => new ShardIdentity(s.FileName, s.Header.FileLength, s.Header.LayoutSha256, s.Remote?.Sha256Of(s.FileName)))];

    /// <summary>
    /// <see cref="CheckFinite"/> for every tensor of every shard, shard by shard in file order, except the shards
    /// <paramref name="skip"/> says were scanned before; a streamed shard is fetched in ranges of at most
    /// <see cref="RemoteCheckChunkBytes"/>, awaited, and never kept. Returns the identities of the shards skipped.
    /// </summary>
    public async Task<IReadOnlyList<ShardIdentity>> CheckAllFiniteAsync(Func<ShardIdentity, bool> skip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skip);
        var skipped = new List<ShardIdentity>();
        foreach (var (shard, identity) in shards.Zip(ShardIdentities))
        {
            if (skip(identity))
            {
                skipped.Add(identity);
                continue;
            }

            foreach (var t in shard.Header.Tensors.OrderBy(t => t.DataStart))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (shard.Remote is null)
                {
                    FileFor(t).CheckFinite(t);
                    continue;
                }

                if (!TensorDTypes.IsFloatingPoint(t.DType))
                {
                    continue;
                }

                var size = TensorDTypes.SizeOf(t.DType);
                var chunk = (int)Math.Min(t.ByteLength, RemoteCheckChunkBytes / size * size);
                for (long done = 0; done < t.ByteLength; done += chunk)
                {
                    var part = await shard.Remote.ReadAsync(shard.FileName, shard.Header.DataSectionStart + t.DataStart + done, (int)Math.Min(chunk, t.ByteLength - done), cancellationToken);
                    NonFiniteValues.ThrowIfAny(part, t.DType, done / size, NonFiniteValues.Subject(shard.FullPath, t.Name));
                }
            }
        }

        return skipped;
    }

    /// <summary>
    /// The local shards whose position in <see cref="ShardFiles"/> <paramref name="include"/> accepts, checked for NaN
    /// and infinities and hashed (SHA-256) in full: the identities <c>precompute --publish</c> records, so that a gate
    /// streaming the same files need not fetch them to scan them. Each file is read once, front to back: the hash takes
    /// every byte and the check the bytes of each floating-point tensor (the header check guarantees that the tensors
    /// tile the data section exactly, so the file is its header followed by its tensors).
    /// </summary>
    public async Task<IReadOnlyList<ShardIdentity>> ScanAsync(Func<int, bool> include, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(include);
        if (shards.Any(s => s.Remote is not null))
        {
            throw new InvalidOperationException($"{Folder} is streamed: only local files are hashed in full.");
        }

        var scanned = new List<ShardIdentity>();
        var buffer = new byte[RemoteCheckChunkBytes];
        foreach (var (shard, identity) in shards.Zip(ShardIdentities).Where((_, i) => include(i)))
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var stream = new FileStream(shard.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);

            async Task<Memory<byte>> ReadAsync(long count)
            {
                var part = buffer.AsMemory(0, (int)count);
                await stream.ReadExactlyAsync(part, cancellationToken);
                sha.AppendData(part.Span);
                return part;
            }

            for (long done = 0; done < shard.Header.DataSectionStart; done += buffer.Length)
            {
                await ReadAsync(Math.Min(buffer.Length, shard.Header.DataSectionStart - done));
            }

            foreach (var t in shard.Header.Tensors.OrderBy(t => t.DataStart))
            {
                var size = TensorDTypes.SizeOf(t.DType);
                var chunk = buffer.Length / size * size;
                for (long done = 0; done < t.ByteLength; done += chunk)
                {
                    var part = await ReadAsync(Math.Min(chunk, t.ByteLength - done));
                    if (TensorDTypes.IsFloatingPoint(t.DType))
                    {
                        NonFiniteValues.ThrowIfAny(part.Span, t.DType, done / size, NonFiniteValues.Subject(shard.FullPath, t.Name));
                    }
                }
            }

            scanned.Add(identity with { Sha256 = Convert.ToHexStringLower(sha.GetHashAndReset()) });
        }

        return scanned;
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

        lock (fetched)
        {
            fetched.Clear();
        }
    }

    private static ModelWeights OpenSingle(string folder, string fileName)
    {
        var shard = new Shard(fileName, Path.Combine(folder, fileName));
        return new ModelWeights(folder, [shard], isSharded: false);
    }

    /// <summary>The shard files the index names, in its order, each a plain file name that exists.</summary>
    private static List<string> CheckedShardFiles(string folder, string indexPath, Dictionary<string, string> weightMap, Func<string, bool> exists)
    {
        var fileNames = new List<string>();
        foreach (var (tensor, fileName) in weightMap)
        {
            if (fileNames.Contains(fileName, StringComparer.Ordinal))
            {
                continue;
            }

            if (!ShardFileNames.IsPlainFileName(fileName))
            {
                throw new UserInputException(
                    $"{indexPath}: weight_map puts tensor {MessageText.Quote(tensor)} in {MessageText.Quote(fileName)}, which is not a plain file name inside the model folder");
            }

            if (!exists(fileName))
            {
                throw new UserInputException(
                    $"{indexPath}: weight_map puts tensor {MessageText.Quote(tensor)} in shard {MessageText.Quote(fileName)}, which does not exist in {folder}; incomplete download?");
            }

            fileNames.Add(fileName);
        }

        return fileNames;
    }

    /// <summary>Cross-checks the index against the shards' headers, both ways.</summary>
    private static ModelWeights Sharded(string folder, string indexPath, Dictionary<string, string> weightMap, IEnumerable<Shard> shards)
    {
        var shardsByName = shards.ToDictionary(s => s.FileName, StringComparer.Ordinal);
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

    /// <summary>A streamed tensor's bytes as one span: only a tensor that fits one array has them.</summary>
    private byte[] RemoteBytes(TensorInfo t)
    {
        var parts = FetchedParts(t);
        return parts.Length == 1
            ? parts[0]
            : throw new UserInputException($"{ShardFor(t).FullPath}: tensor {MessageText.Quote(t.Name)} is {t.ByteLength} bytes, too large for one span; it has to be read in parts with CopyBytes");
    }

    private byte[][] FetchedParts(TensorInfo t)
    {
        var shard = ShardFor(t);
        lock (fetched)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return fetched.TryGetValue((shard.FullPath, t.Name), out var held)
                ? held.Parts
                : throw new InvalidOperationException($"{shard.FullPath}: tensor {MessageText.Quote(t.Name)} is streamed and was read before {nameof(FetchAsync)} brought its bytes in.");
        }
    }

    private void Release((string File, string Name) key)
    {
        lock (fetched)
        {
            if (fetched.TryGetValue(key, out var held))
            {
                if (held.Leases > 1)
                {
                    fetched[key] = (held.Parts, held.Leases - 1);
                }
                else
                {
                    fetched.Remove(key);
                }
            }
        }
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
        public Shard(string fileName, string fullPath)
            : this(fileName, fullPath, ReadLocalHeader(fullPath), null)
        {
        }

        private Shard(string fileName, string fullPath, SafetensorsHeader header, IRemoteShardSource? remote)
        {
            FileName = fileName;
            FullPath = fullPath;
            Header = header;
            Remote = remote;
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
        public static async Task<Shard> OpenRemoteAsync(IRemoteShardSource remote, string fileName, string fullPath, CancellationToken cancellationToken)
        {
            var length = remote.LengthOf(fileName);
            if (length < 8)
            {
                throw new UserInputException($"{fullPath}: file is {length} bytes, shorter than the 8-byte header length prefix; not a safetensors file");
            }

            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(await remote.ReadAsync(fileName, 0, 8, cancellationToken));
            if (headerLength > SafetensorsHeader.MaxHeaderLength || (long)headerLength > length - 8)
            {
                throw new UserInputException($"{fullPath}: header length {headerLength} does not fit the {length}-byte file; not a safetensors file or truncated");
            }

            var header = await remote.ReadAsync(fileName, 8, (int)headerLength, cancellationToken);
            var dataStart = 8 + (long)headerLength;
            return new Shard(fileName, fullPath, SafetensorsHeader.Parse(header, fullPath, dataStart, length - dataStart), remote);
        }

        private static SafetensorsHeader ReadLocalHeader(string fullPath)
        {
            using var handle = OpenForHeader(fullPath);
            return SafetensorsHeader.Read(handle, fullPath);
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

    /// <summary>Keeps a fetched tensor's bytes in memory until disposed (once).</summary>
    private sealed class Lease(ModelWeights weights, (string File, string Name) key) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                weights.Release(key);
            }
        }
    }

    /// <summary>The lease of a local tensor: its file stays mapped anyway.</summary>
    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}
