using System.Text.Json;
using ModelGate.Core.Errors;

namespace ModelGate.Core.Tensors;

/// <summary>
/// The weights of a Hugging Face model folder, sharded (<c>model.safetensors.index.json</c>) or not.
/// Every shard's header is read and cross-checked against the index when the folder is opened, so a broken download
/// fails before any work starts; the data of a shard is memory-mapped only when first read, then kept mapped.
/// Reads are safe from several threads.
/// </summary>
public sealed class ModelWeights : IDisposable
{
    /// <summary>An index is a few MB even for the largest models; the cap only keeps a hostile file from exhausting memory.</summary>
    private const long MaxIndexBytes = 100L * 1024 * 1024;

    private readonly Shard[] shards;
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
        if (File.Exists(indexPath))
        {
            return OpenSharded(fullFolder, indexPath);
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
    public ReadOnlySpan<byte> GetBytes(TensorInfo t) => FileFor(t).GetBytes(t);

    /// <inheritdoc cref="SafetensorsFile.CopyBytes"/>
    public void CopyBytes(TensorInfo t, long byteOffset, Span<byte> destination) => FileFor(t).CopyBytes(t, byteOffset, destination);

    /// <inheritdoc cref="SafetensorsFile.ReadFloat32"/>
    public float[] ReadFloat32(TensorInfo t) => FileFor(t).ReadFloat32(t);

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
        var shard = new Shard(fileName, Path.Combine(folder, fileName));
        return new ModelWeights(folder, [shard], isSharded: false);
    }

    private static ModelWeights OpenSharded(string folder, string indexPath)
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
            if (!File.Exists(shardPath))
            {
                throw new UserInputException(
                    $"{indexPath}: weight_map puts tensor {MessageText.Quote(tensor)} in shard {MessageText.Quote(fileName)}, which does not exist in {folder}; incomplete download?");
            }

            shardsByName.Add(fileName, new Shard(fileName, shardPath));
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
            var length = new FileInfo(indexPath).Length;
            if (length > MaxIndexBytes)
            {
                throw new UserInputException($"{indexPath}: {length} bytes, more than the {MaxIndexBytes}-byte limit for an index file");
            }

            bytes = File.ReadAllBytes(indexPath);
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
        {
            FileName = fileName;
            FullPath = fullPath;
            using var handle = OpenForHeader(fullPath);
            Header = SafetensorsHeader.Read(handle, fullPath);
            TensorNames = new HashSet<string>(Header.Tensors.Select(t => t.Name), StringComparer.Ordinal);
        }

        public string FileName { get; }

        public string FullPath { get; }

        public SafetensorsHeader Header { get; }

        public HashSet<string> TensorNames { get; }

        public SafetensorsFile? File { get; set; }

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

        private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenForHeader(string fullPath)
        {
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
