using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Core.Tensors;

/// <summary>
/// A validated, memory-mapped, read-only safetensors file. Mapping instead of reading lets multi-gigabyte checkpoints be
/// inspected tensor by tensor without holding them in memory; the OS pages in only what is touched.
/// Reads are safe from several threads. Spans returned by <see cref="GetBytes"/> point into the mapping and must not
/// be used after <see cref="Dispose"/>.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>Elements converted per step in <see cref="ReadFloat32"/>, so that spans stay within int lengths for any tensor size.</summary>
    private const int ConversionChunkElements = 1 << 20;

    private readonly SafeFileHandle handle;
    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private readonly SafetensorsHeader header;
    private readonly Dictionary<string, TensorInfo> byName;
    private byte* dataStart;

    private SafetensorsFile(SafeFileHandle handle, MemoryMappedFile map, MemoryMappedViewAccessor view, SafetensorsHeader header)
    {
        this.handle = handle;
        this.map = map;
        this.view = view;
        this.header = header;
        byName = new Dictionary<string, TensorInfo>(header.Tensors.Count, StringComparer.Ordinal);
        foreach (var tensor in header.Tensors)
        {
            byName.Add(tensor.Name, tensor);
        }

        byte* mapped = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref mapped);
        dataStart = mapped + view.PointerOffset + header.DataSectionStart;
    }

    /// <summary>Full path of the file.</summary>
    public string Path => header.Path;

    /// <summary>The header's <c>__metadata__</c>; empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata => header.Metadata;

    /// <summary>Tensors in header order.</summary>
    public IReadOnlyList<TensorInfo> Tensors => header.Tensors;

    /// <summary>Opens and validates <paramref name="path"/>; every problem with the file is a <see cref="UserInputException"/>.</summary>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        var handle = OpenHandle(fullPath);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            var header = SafetensorsHeader.Read(handle, fullPath);

            // The header check guarantees at least 8 bytes, so the mapping is never empty (which mmap would refuse).
            map = MemoryMappedFile.CreateFromFile(handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            if (view.Capacity < header.DataSectionStart + header.DataSectionLength)
            {
                throw new UserInputException($"{fullPath}: file shrank while being opened");
            }

            return new SafetensorsFile(handle, map, view, header);
        }
        catch
        {
            view?.Dispose();
            map?.Dispose();
            handle.Dispose();
            throw;
        }
    }

    public bool TryGet(string name, out TensorInfo info)
    {
        ArgumentNullException.ThrowIfNull(name);
        return byName.TryGetValue(name, out info!);
    }

    public TensorInfo Get(string name)
    {
        if (TryGet(name, out var info))
        {
            return info;
        }

        throw new UserInputException($"{Path}: no tensor named {MessageText.Quote(name)}");
    }

    /// <summary>The tensor's raw little-endian bytes, straight from the mapping. For tensors of 2 GiB and more use <see cref="CopyBytes"/>.</summary>
    public ReadOnlySpan<byte> GetBytes(TensorInfo t)
    {
        CheckOwned(t);
        if (t.ByteLength > int.MaxValue)
        {
            throw new UserInputException(
                $"{Path}: tensor {MessageText.Quote(t.Name)} is {t.ByteLength} bytes, too large for one span; it has to be read in parts with CopyBytes");
        }

        return new ReadOnlySpan<byte>(dataStart + t.DataStart, (int)t.ByteLength);
    }

    /// <summary>Copies <c>destination.Length</c> bytes of the tensor, starting <paramref name="byteOffset"/> bytes into it.</summary>
    public void CopyBytes(TensorInfo t, long byteOffset, Span<byte> destination)
    {
        CheckOwned(t);
        if (byteOffset < 0 || byteOffset > t.ByteLength || destination.Length > t.ByteLength - byteOffset)
        {
            throw new ArgumentOutOfRangeException(
                nameof(byteOffset),
                $"Bytes [{byteOffset}, {byteOffset + destination.Length}) are outside tensor {MessageText.Quote(t.Name)} of {t.ByteLength} bytes.");
        }

        new ReadOnlySpan<byte>(dataStart + t.DataStart + byteOffset, destination.Length).CopyTo(destination);
    }

    /// <summary>
    /// Like <see cref="CopyBytes"/>, but read through the page cache (pread) rather than the mapping: a model streamed
    /// through once (a merge, a copy) then never becomes resident in this process, whose RSS stays at its buffers.
    /// </summary>
    public void ReadBytes(TensorInfo t, long byteOffset, Span<byte> destination)
    {
        CheckOwned(t);
        if (byteOffset < 0 || byteOffset > t.ByteLength || destination.Length > t.ByteLength - byteOffset)
        {
            throw new ArgumentOutOfRangeException(
                nameof(byteOffset),
                $"Bytes [{byteOffset}, {byteOffset + destination.Length}) are outside tensor {MessageText.Quote(t.Name)} of {t.ByteLength} bytes.");
        }

        var position = header.DataSectionStart + t.DataStart + byteOffset;
        while (!destination.IsEmpty)
        {
            var n = RandomAccess.Read(handle, destination, position);
            if (n == 0)
            {
                throw new UserInputException($"{Path}: the file ends inside tensor {MessageText.Quote(t.Name)}; it was truncated after it was opened");
            }

            destination = destination[n..];
            position += n;
        }
    }

    /// <summary>
    /// The tensor converted to float32 (see <see cref="DTypeConversion.ToFloat32"/> for what each dtype becomes); a NaN
    /// or infinity (in the file, or a float64 beyond float32's range) is a <see cref="UserInputException"/> naming it.
    /// </summary>
    public float[] ReadFloat32(TensorInfo t)
    {
        CheckOwned(t);
        var count = t.ElementCount;
        if (count > Array.MaxLength)
        {
            throw new UserInputException(
                $"{Path}: tensor {MessageText.Quote(t.Name)} has {count} elements, more than one float32 array can hold ({Array.MaxLength})");
        }

        var result = new float[count];
        var size = TensorDTypes.SizeOf(t.DType);

        // Through the page cache, not the mapping: reading a whole model (to load or merge it) must not make it
        // resident in this process on top of the float32 copies the caller keeps.
        var buffer = new byte[Math.Min(result.Length, ConversionChunkElements) * size];
        for (var done = 0; done < result.Length; done += ConversionChunkElements)
        {
            var n = Math.Min(ConversionChunkElements, result.Length - done);
            var source = buffer.AsSpan(0, n * size);
            ReadBytes(t, (long)done * size, source);
            DTypeConversion.ToFloat32(source, t.DType, result.AsSpan(done, n));
            NonFiniteValues.ThrowIfAny(result.AsSpan(done, n), done, NonFiniteValues.Subject(Path, t.Name));
        }

        return result;
    }

    /// <summary>
    /// A <see cref="UserInputException"/> if a floating-point tensor holds NaN or an infinity; checked on the stored
    /// bytes in place, nothing copied or converted.
    /// </summary>
    public void CheckFinite(TensorInfo t)
    {
        CheckOwned(t);
        if (!TensorDTypes.IsFloatingPoint(t.DType))
        {
            return;
        }

        var size = TensorDTypes.SizeOf(t.DType);
        for (long done = 0; done < t.ElementCount; done += ConversionChunkElements)
        {
            var n = (int)Math.Min(ConversionChunkElements, t.ElementCount - done);
            var source = new ReadOnlySpan<byte>(dataStart + t.DataStart + (done * size), n * size);
            NonFiniteValues.ThrowIfAny(source, t.DType, done, NonFiniteValues.Subject(Path, t.Name));
        }
    }

    /// <summary><see cref="CheckFinite"/> for every tensor, in file order (one sequential pass over the mapping).</summary>
    public void CheckAllFinite(CancellationToken cancellationToken)
    {
        foreach (var t in Tensors.OrderBy(t => t.DataStart))
        {
            cancellationToken.ThrowIfCancellationRequested();
            CheckFinite(t);
        }
    }

    public void Dispose()
    {
        if (dataStart == null)
        {
            return;
        }

        dataStart = null;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map.Dispose();
        handle.Dispose();
    }

    private static SafeFileHandle OpenHandle(string fullPath)
    {
        // A FIFO would block the open and a device would be mapped as if it were weights.
        BoundedFile.RequireRegular(fullPath, "safetensors file");
        try
        {
            // FileShare.Delete lets a writer atomically replace the file while we still read the old contents.
            return File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UserInputException($"{fullPath}: file not found", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserInputException($"{fullPath}: permission denied", e);
        }
        catch (IOException e)
        {
            throw new UserInputException($"{fullPath}: cannot open: {e.Message}", e);
        }
    }

    /// <summary>
    /// TensorInfo is a public record anyone can construct, so before touching the mapping we check that the offsets
    /// really lie inside this file's data section; a stray or forged info must not read outside the mapping.
    /// </summary>
    private void CheckOwned(TensorInfo t)
    {
        ArgumentNullException.ThrowIfNull(t);
        ObjectDisposedException.ThrowIf(dataStart == null, this);
        if (!string.Equals(t.FilePath, Path, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Tensor {MessageText.Quote(t.Name)} belongs to {t.FilePath}, not to {Path}.", nameof(t));
        }

        if (t.DataStart < 0 || t.DataStart > t.DataEnd || t.DataEnd > header.DataSectionLength)
        {
            throw new ArgumentException(
                $"Tensor {MessageText.Quote(t.Name)} offsets [{t.DataStart}, {t.DataEnd}] are outside the {header.DataSectionLength}-byte data section of {Path}.",
                nameof(t));
        }

        long expectedBytes;
        try
        {
            expectedBytes = checked(t.ElementCount * TensorDTypes.SizeOf(t.DType));
        }
        catch (OverflowException)
        {
            expectedBytes = -1;
        }

        if (expectedBytes != t.ByteLength)
        {
            throw new ArgumentException($"Tensor {MessageText.Quote(t.Name)} shape and dtype do not match its {t.ByteLength} bytes.", nameof(t));
        }
    }
}
