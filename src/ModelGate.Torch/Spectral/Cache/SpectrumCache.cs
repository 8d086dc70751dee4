using System.Globalization;
using System.IO.Hashing;
using Microsoft.Extensions.Logging;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Runtime;
using TorchSharp;

namespace ModelGate.Torch.Spectral.Cache;

/// <summary>
/// Thin SVDs of base weight matrices, kept on disk under <c>&lt;root&gt;/spectra/v1/&lt;key&gt;.safetensors</c> and
/// keyed by content (<see cref="SpectrumKey"/>). A base model never changes between the releases of its adapters,
/// and its SVDs are the expensive half of an intruder analysis, so they are computed once per machine.
/// An entry is trusted only after its structure, metadata and data checksum are verified; one that fails is deleted
/// and treated as a miss. Writes go to a unique temporary file renamed into place, so several threads or processes
/// may compute the same entry at once. One matrix is in memory at a time. See docs/spectrum-cache.md.
/// </summary>
public sealed class SpectrumCache
{
    internal const string FormatName = "modelgate-spectrum";
    internal const string FormatVersion = "1";
    internal const string EntryExtension = ".safetensors";

    /// <summary>Float values converted per step when checksumming what is about to be written, so the buffer stays small.</summary>
    private const int ChecksumChunkElements = 16 * 1024;

    private const int ChecksumChunkBytes = 4 << 20;

    /// <summary>
    /// A temporary file whose name carries no owner (written by an older version) and is older than this belongs to a
    /// process that was killed mid-write (a live write of even the largest matrix takes seconds).
    /// </summary>
    private static readonly TimeSpan AbandonedTemporaryAge = TimeSpan.FromHours(1);

    private readonly ILogger<SpectrumCache> logger;

    /// <summary>Set once this instance has cleared what dead writers left, so it is done once, before the first write.</summary>
    private int orphansCleared;

    public SpectrumCache(string root, SpectrumPrecision precision, ILogger<SpectrumCache> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentNullException.ThrowIfNull(logger);
        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown spectrum precision.");
        }

        Root = Path.GetFullPath(root);
        Precision = precision;
        Folder = Path.Combine(Root, "spectra", "v" + FormatVersion);
        this.logger = logger;
    }

    /// <summary>The cache root (full path); entries live in <see cref="Folder"/> below it.</summary>
    public string Root { get; }

    /// <summary>The precision new entries store U and V in (S is always float32); entries stored in another precision are still read.</summary>
    public SpectrumPrecision Precision { get; }

    /// <summary>The folder holding this format version's entries.</summary>
    internal string Folder { get; }

    /// <summary>Where the entry for <paramref name="key"/> lives (whether or not it exists).</summary>
    internal string PathOf(SpectrumKey key)
    {
        if (!key.IsWellFormed)
        {
            throw new ArgumentException($"Spectrum key {key.Hex} is not 32 lowercase hex digits.", nameof(key));
        }

        return Path.Combine(Folder, key.Hex + EntryExtension);
    }

    /// <summary>
    /// Reads and verifies the entry for <paramref name="key"/>. A corrupt or truncated entry is logged, deleted and
    /// reported as a miss. A hit refreshes the file's last-write time, which is what <see cref="Prune"/> evicts by.
    /// </summary>
    public bool TryGet(SpectrumKey key, out BaseSpectrum spectrum)
    {
        var path = PathOf(key);
        spectrum = null!;
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            spectrum = Read(path, key);
        }
        catch (Exception e) when (e is UserInputException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // Deleted by a concurrent prune between the check and the open: an ordinary miss, nothing to warn about.
            if (!File.Exists(path))
            {
                return false;
            }

            logger.LogWarning("{Path}: discarding a damaged spectrum cache entry, it will be computed again ({Reason})", path, e.Message);
            TryDelete(path);
            return false;
        }

        Touch(path);
        logger.LogDebug("{Path}: spectrum cache hit ({Rows}x{Cols})", path, spectrum.Rows, spectrum.Cols);
        return true;
    }

    /// <summary>
    /// Stores <paramref name="spectrum"/> under <paramref name="key"/> in <see cref="Precision"/>, replacing any entry
    /// there. <paramref name="source"/> (e.g. "&lt;model folder&gt;:&lt;tensor name&gt;") is kept in the metadata for
    /// <see cref="List"/>. A folder that cannot be written is a <see cref="UserInputException"/> naming it.
    /// </summary>
    public void Put(SpectrumKey key, BaseSpectrum spectrum, string source)
    {
        var path = PathOf(key);
        ArgumentNullException.ThrowIfNull(spectrum);
        ArgumentNullException.ThrowIfNull(source);
        var p = CheckShape(spectrum);
        var dtype = DTypeOf(Precision);
        TensorSpec[] specs =
        [
            new("U", dtype, [spectrum.Rows, p]),
            // S stays float32 whatever the precision: it is p values, F16 would overflow above 65504, and the
            // analysis reports the base singular values themselves.
            new("S", TensorDType.F32, [p]),
            new("V", dtype, [spectrum.Cols, p]),
        ];

        // The checksum goes in the header, which is written before the data, so the data's bytes are made twice:
        // once here to hash them and once by the writer; the conversion is deterministic, so both agree.
        var checksum = new XxHash128();
        AppendConverted(checksum, spectrum.U, dtype);
        AppendConverted(checksum, spectrum.S, TensorDType.F32);
        AppendConverted(checksum, spectrum.V, dtype);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["format_version"] = FormatVersion,
            ["key"] = key.Hex,
            ["rows"] = spectrum.Rows.ToString(CultureInfo.InvariantCulture),
            ["cols"] = spectrum.Cols.ToString(CultureInfo.InvariantCulture),
            ["precision"] = Precision.ToString(),
            ["source"] = source,
            ["created_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["checksum"] = Convert.ToHexStringLower(checksum.GetCurrentHash()),
        };

        try
        {
            Directory.CreateDirectory(Folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException(InputField.Cache, $"{Folder}: cannot create it ({e.Message}); choose another (or set {CacheRoot.Variable})", e);
        }

        if (Interlocked.Exchange(ref orphansCleared, 1) == 0)
        {
            RemoveAbandonedTemporaries(DateTime.UtcNow);
        }

        // On any failure (a full disk) the writer's Dispose deletes its temporary file.
        using var writer = SafetensorsWriter.Create(path, specs, metadata);
        writer.WriteTensorFloat32("U", spectrum.U);
        writer.WriteTensorFloat32("S", spectrum.S);
        writer.WriteTensorFloat32("V", spectrum.V);
        writer.Commit();
        logger.LogDebug("{Path}: stored the spectrum of {Source} ({Rows}x{Cols}, {Precision})", path, source, spectrum.Rows, spectrum.Cols, Precision);
    }

    /// <summary>
    /// The spectrum of <paramref name="tensor"/> in analysis orientation: from the cache when there, else computed on
    /// <paramref name="device"/> and stored. If storing fails (a full disk, a read-only cache) the computed spectrum
    /// is still returned, with a warning: the cache only saves time.
    /// </summary>
    public BaseSpectrum GetOrCompute(ModelWeights weights, TensorInfo tensor, MatrixLayout layout, torch.Device device, out bool computed)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(device);
        if (tensor.Shape.Length != 2)
        {
            throw new ArgumentException($"Tensor {tensor.Name} has shape {TensorShapes.Format(tensor.Shape)}; only matrices have a spectrum.", nameof(tensor));
        }

        return GetOrCompute(SpectrumKey.Compute(weights, tensor, layout), weights, tensor, layout, device, out computed);
    }

    /// <summary>As above, with the key already computed (hashing a large matrix costs a pass over its bytes).</summary>
    public BaseSpectrum GetOrCompute(SpectrumKey key, ModelWeights weights, TensorInfo tensor, MatrixLayout layout, torch.Device device, out bool computed)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(tensor);
        var (rows, cols) = layout == MatrixLayout.Transposed ? (tensor.Shape[1], tensor.Shape[0]) : (tensor.Shape[0], tensor.Shape[1]);
        if (TryGet(key, out var cached))
        {
            if (cached.Rows == rows && cached.Cols == cols)
            {
                computed = false;
                return cached;
            }

            // Only a hash collision gets here; the entry is sound but belongs to another matrix.
            logger.LogWarning("{Path}: cached spectrum is {CachedRows}x{CachedCols} but {Tensor} is {Rows}x{Cols}; computing it", PathOf(key), cached.Rows, cached.Cols, tensor.Name, rows, cols);
        }

        var spectrum = Compute(weights, tensor, layout, device, rows, cols);
        try
        {
            Put(key, spectrum, $"{weights.Folder}:{tensor.Name}");
        }
        catch (Exception e) when (e is UserInputException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not store the spectrum of {Tensor} in the cache: {Reason}", tensor.Name, e.Message);
        }

        computed = true;
        return spectrum;
    }

    /// <summary>Every entry, most recently used first, read from headers only.</summary>
    public IReadOnlyList<SpectrumCacheEntry> List()
    {
        var entries = new List<SpectrumCacheEntry>();
        foreach (var file in EntryFiles())
        {
            var key = Path.GetFileNameWithoutExtension(file.Name);
            try
            {
                using var handle = File.OpenHandle(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
                var metadata = SafetensorsHeader.Read(handle, file.FullName).Metadata;
                var (rows, cols, precision) = ReadDescription(metadata);
                entries.Add(new SpectrumCacheEntry(file.FullName, key, rows, cols, precision, file.Length, file.LastWriteTimeUtc, metadata.GetValueOrDefault("source", "")));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // Pruned by someone else while we listed.
            }
            catch (Exception e) when (e is UserInputException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                entries.Add(new SpectrumCacheEntry(file.FullName, key, 0, 0, SpectrumPrecision.F32, file.Length, file.LastWriteTimeUtc, $"unreadable: {e.Message}"));
            }
        }

        return [.. entries.OrderByDescending(e => e.LastUsedUtc).ThenBy(e => e.Key, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Deletes entries not used for longer than <paramref name="olderThan"/>, then the least recently used until the
    /// rest take at most <paramref name="maxTotalBytes"/>. With neither, deletes every entry.
    /// An entry that cannot be deleted is logged and counted as kept. Temporary files left by writers that are gone
    /// (killed mid-write) are removed too, whatever their age (they are not entries and are not counted).
    /// </summary>
    public PruneResult Prune(TimeSpan? olderThan, long? maxTotalBytes)
    {
        if (olderThan < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(olderThan), olderThan, "An age cannot be negative.");
        }

        if (maxTotalBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTotalBytes), maxTotalBytes, "A size cannot be negative.");
        }

        var all = olderThan is null && maxTotalBytes is null;
        var now = DateTime.UtcNow;
        var files = EntryFiles().OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        var total = files.Sum(f => f.Length);
        int removed = 0, kept = 0;
        long freed = 0;
        foreach (var file in files)
        {
            var remove = all || now - file.LastWriteTimeUtc > olderThan || total > maxTotalBytes;
            if (remove && TryDelete(file.FullName))
            {
                removed++;
                freed += file.Length;
                total -= file.Length;
            }
            else
            {
                kept++;
            }
        }

        RemoveAbandonedTemporaries(now);
        return new PruneResult(removed, freed, kept, total);
    }

    internal static TensorDType DTypeOf(SpectrumPrecision precision) => precision switch
    {
        SpectrumPrecision.F32 => TensorDType.F32,
        SpectrumPrecision.F16 => TensorDType.F16,
        SpectrumPrecision.BF16 => TensorDType.BF16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown spectrum precision."),
    };

    private static BaseSpectrum Compute(ModelWeights weights, TensorInfo tensor, MatrixLayout layout, torch.Device device, long rows, long cols)
    {
        using var scope = torch.NewDisposeScope();
        var w = TorchTensors.LoadFloat32(weights, tensor, device);
        if (layout == MatrixLayout.Transposed)
        {
            w = w.t();
        }

        var (u, s, vh) = torch.linalg.svd(w, fullMatrices: false);
        return new BaseSpectrum(rows, cols, TorchTensors.ToArray(u), TorchTensors.ToArray(s), TorchTensors.ToArray(vh.t()));
    }

    /// <summary>Reads an entry, trusting nothing: the format, the key, the shapes and dtypes, and the checksum of the data.</summary>
    internal static BaseSpectrum Read(string path, SpectrumKey key)
    {
        using var file = SafetensorsFile.Open(path);
        var metadata = file.Metadata;
        if (metadata.GetValueOrDefault("format") != FormatName || metadata.GetValueOrDefault("format_version") != FormatVersion)
        {
            throw new InvalidDataException($"not a {FormatName} version {FormatVersion} file");
        }

        if (metadata.GetValueOrDefault("key") != key.Hex)
        {
            throw new InvalidDataException($"metadata key {metadata.GetValueOrDefault("key")} does not match the file name");
        }

        var (rows, cols, precision) = ReadDescription(metadata);
        var p = Math.Min(rows, cols);
        var dtype = DTypeOf(precision);
        if (file.Tensors.Count != 3)
        {
            throw new InvalidDataException($"{file.Tensors.Count} tensors, expected U, S and V");
        }

        var u = Expect(file, "U", dtype, [rows, p]);
        var s = Expect(file, "S", TensorDType.F32, [p]);
        var v = Expect(file, "V", dtype, [cols, p]);

        // The header check guarantees the tensors tile the data section, so hashing them in file order hashes exactly it.
        var checksum = new XxHash128();
        foreach (var tensor in file.Tensors.OrderBy(t => t.DataStart))
        {
            AppendStored(checksum, file, tensor);
        }

        if (Convert.ToHexStringLower(checksum.GetCurrentHash()) != metadata.GetValueOrDefault("checksum"))
        {
            throw new InvalidDataException("data checksum does not match (the file is damaged)");
        }

        return new BaseSpectrum(rows, cols, file.ReadFloat32(u), file.ReadFloat32(s), file.ReadFloat32(v));
    }

    private static (long Rows, long Cols, SpectrumPrecision Precision) ReadDescription(IReadOnlyDictionary<string, string> metadata)
    {
        if (!long.TryParse(metadata.GetValueOrDefault("rows"), NumberStyles.None, CultureInfo.InvariantCulture, out var rows) || rows <= 0
            || !long.TryParse(metadata.GetValueOrDefault("cols"), NumberStyles.None, CultureInfo.InvariantCulture, out var cols) || cols <= 0)
        {
            throw new InvalidDataException("metadata rows and cols must be positive whole numbers");
        }

        var name = metadata.GetValueOrDefault("precision");
        if (!Enum.GetNames<SpectrumPrecision>().Contains(name, StringComparer.Ordinal))
        {
            throw new InvalidDataException($"unknown precision {name}");
        }

        return (rows, cols, Enum.Parse<SpectrumPrecision>(name!));
    }

    private static TensorInfo Expect(SafetensorsFile file, string name, TensorDType dtype, long[] shape)
    {
        if (!file.TryGet(name, out var tensor))
        {
            throw new InvalidDataException($"no tensor {name}");
        }

        if (tensor.DType != dtype || !tensor.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new InvalidDataException(
                $"tensor {name} is {TensorDTypes.Name(tensor.DType)} {TensorShapes.Format(tensor.Shape)}, expected {TensorDTypes.Name(dtype)} {TensorShapes.Format(shape)}");
        }

        return tensor;
    }

    private static long CheckShape(BaseSpectrum spectrum)
    {
        if (spectrum.Rows <= 0 || spectrum.Cols <= 0)
        {
            throw new ArgumentException($"A spectrum of a {spectrum.Rows}x{spectrum.Cols} matrix is empty.", nameof(spectrum));
        }

        var p = Math.Min(spectrum.Rows, spectrum.Cols);
        if (spectrum.S.Length != p || spectrum.U.LongLength != checked(spectrum.Rows * p) || spectrum.V.LongLength != checked(spectrum.Cols * p))
        {
            throw new ArgumentException(
                $"A {spectrum.Rows}x{spectrum.Cols} spectrum needs U of {spectrum.Rows * p}, S of {p} and V of {spectrum.Cols * p} values; got {spectrum.U.Length}, {spectrum.S.Length} and {spectrum.V.Length}.",
                nameof(spectrum));
        }

        return p;
    }

    private static void AppendConverted(XxHash128 hash, ReadOnlySpan<float> values, TensorDType dtype)
    {
        var size = TensorDTypes.SizeOf(dtype);
        var buffer = new byte[ChecksumChunkElements * size];
        while (!values.IsEmpty)
        {
            var n = Math.Min(ChecksumChunkElements, values.Length);
            var bytes = buffer.AsSpan(0, n * size);
            DTypeConversion.FromFloat32(values[..n], dtype, bytes);
            hash.Append(bytes);
            values = values[n..];
        }
    }

    private static void AppendStored(XxHash128 hash, SafetensorsFile file, TensorInfo tensor)
    {
        if (tensor.ByteLength <= int.MaxValue)
        {
            hash.Append(file.GetBytes(tensor));
            return;
        }

        var buffer = new byte[ChecksumChunkBytes];
        for (long offset = 0; offset < tensor.ByteLength; offset += buffer.Length)
        {
            var chunk = buffer.AsSpan(0, (int)Math.Min(buffer.Length, tensor.ByteLength - offset));
            file.CopyBytes(tensor, offset, chunk);
            hash.Append(chunk);
        }
    }

    /// <summary>Entry files only: a writer's temporary files end in <c>.tmp-*</c> and are never entries.</summary>
    private IEnumerable<FileInfo> EntryFiles()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        return new DirectoryInfo(Folder).EnumerateFiles("*" + EntryExtension)
            .Where(f => f.Name.EndsWith(EntryExtension, StringComparison.Ordinal) && f.Exists)
            .ToList();
    }

    /// <summary>
    /// Temporary files are not entries, so they are not counted; they are cleared once clearly abandoned: their owning
    /// process is gone (<see cref="TemporaryOwner"/>), or, for a name without an owner, after an hour. A live writer's
    /// file is never touched.
    /// </summary>
    private void RemoveAbandonedTemporaries(DateTime now)
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }

        foreach (var file in new DirectoryInfo(Folder).EnumerateFiles("*" + EntryExtension + ".tmp-*"))
        {
            var abandoned = TemporaryOwner.Find(file.Name) is { } owner ? owner.IsGone : now - file.LastWriteTimeUtc > AbandonedTemporaryAge;
            if (abandoned && TryDelete(file.FullName))
            {
                logger.LogDebug("{Path}: removed a temporary file left by an interrupted write", file.FullName);
            }
        }
    }

    private void Touch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache still serves hits; it just cannot keep its LRU order.
            logger.LogDebug("{Path}: could not update the last-used time ({Reason})", path, e.Message);
        }
    }

    private bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("{Path}: could not delete ({Reason})", path, e.Message);
            return false;
        }
    }
}
