using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Core.Tensors;

/// <summary>
/// Streams a safetensors file: the header (known up front from the specs) first, then each tensor's bytes in spec order,
/// so a model can be written without holding it in memory. Everything goes to <c>path.tmp-*</c> (named for its owning
/// process, <see cref="TemporaryOwner"/>, so a later run can clear what a killed one left) and only
/// <see cref="Commit"/> renames it over <see cref="Path"/>, so a crash or an exception never leaves a half-written
/// file under the real name. Misuse (wrong order, wrong byte counts) is a programming error and throws
/// <see cref="InvalidOperationException"/> or <see cref="ArgumentException"/>; problems with the destination
/// (missing folder, no permission) are <see cref="UserInputException"/>s.
/// </summary>
public sealed class SafetensorsWriter : IDisposable
{
    /// <summary>Float32 values converted per step, so the conversion buffer stays small whatever the tensor size.</summary>
    private const int FloatChunkElements = 16 * 1024;

    private readonly TensorSpec[] specs;
    private readonly long[] byteLengths;
    private readonly string tempPath;
    private FileStream? stream;
    private byte[]? conversionBuffer;
    private int current = -1;
    private long writtenToCurrent;
    private bool committed;
    private bool disposed;

    private SafetensorsWriter(string path, string tempPath, TensorSpec[] specs, long[] byteLengths, FileStream stream)
    {
        Path = path;
        this.tempPath = tempPath;
        this.specs = specs;
        this.byteLengths = byteLengths;
        this.stream = stream;
    }

    /// <summary>Full path the file will have after <see cref="Commit"/>.</summary>
    public string Path { get; }

    /// <summary>
    /// Writes the header for <paramref name="tensors"/> (keys and data in the given order, metadata first when given)
    /// to a temporary file next to <paramref name="path"/>.
    /// </summary>
    public static SafetensorsWriter Create(string path, IReadOnlyList<TensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var fullPath = System.IO.Path.GetFullPath(path);
        var specs = tensors.ToArray();
        var byteLengths = CheckSpecs(specs);
        var header = BuildHeader(specs, byteLengths, metadata);

        var tempPath = TemporaryOwner.TemporaryPathFor(fullPath);
        FileStream stream;
        try
        {
            stream = new FileStream(tempPath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 1 << 20,
            });
        }
        catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            throw new UserInputException($"{fullPath}: cannot create output file: {e.Message}", e);
        }

        var writer = new SafetensorsWriter(fullPath, tempPath, specs, byteLengths, stream);
        try
        {
            stream.Write(header);
        }
        catch
        {
            writer.Dispose();
            throw;
        }

        return writer;
    }

    /// <summary>Starts the next tensor; it must be the next one in spec order and the previous one must be complete.</summary>
    public void BeginTensor(string name)
    {
        current = CheckNext(name);
        writtenToCurrent = 0;
    }

    /// <summary>Appends raw little-endian bytes to the tensor started with <see cref="BeginTensor"/>.</summary>
    public void WriteTensorChunk(ReadOnlySpan<byte> chunk)
    {
        ThrowIfClosed();
        if (current < 0)
        {
            throw new InvalidOperationException($"{Path}: {nameof(BeginTensor)} must be called before writing tensor bytes.");
        }

        if (chunk.Length > byteLengths[current] - writtenToCurrent)
        {
            throw new ArgumentException(
                $"{Path}: tensor {MessageText.Quote(specs[current].Name)} is {byteLengths[current]} bytes; {writtenToCurrent} written plus {chunk.Length} more is too many.",
                nameof(chunk));
        }

        stream!.Write(chunk);
        writtenToCurrent += chunk.Length;
    }

    /// <summary>Appends float32 values to the current tensor, converted to its spec's dtype (F32, F16, BF16 or F64).</summary>
    public void WriteTensorChunkFloat32(ReadOnlySpan<float> values)
    {
        ThrowIfClosed();
        if (current < 0)
        {
            throw new InvalidOperationException($"{Path}: {nameof(BeginTensor)} must be called before writing tensor values.");
        }

        var dtype = specs[current].DType;
        var size = TensorDTypes.SizeOf(dtype);
        if ((long)values.Length * size > byteLengths[current] - writtenToCurrent)
        {
            throw new ArgumentException(
                $"{Path}: tensor {MessageText.Quote(specs[current].Name)} has {specs[current].ElementCount} elements; {writtenToCurrent / size} written plus {values.Length} more is too many.",
                nameof(values));
        }

        conversionBuffer ??= new byte[FloatChunkElements * sizeof(double)];
        while (!values.IsEmpty)
        {
            var n = Math.Min(FloatChunkElements, values.Length);
            var bytes = conversionBuffer.AsSpan(0, n * size);
            DTypeConversion.FromFloat32(values[..n], dtype, bytes);
            WriteTensorChunk(bytes);
            values = values[n..];
        }
    }

    /// <summary>Writes a whole tensor's raw bytes; <paramref name="data"/> must be exactly its byte length.</summary>
    public void WriteTensor(string name, ReadOnlySpan<byte> data)
    {
        var expected = CheckNext(name);
        if (data.Length != byteLengths[expected])
        {
            throw new ArgumentException(
                $"{Path}: tensor {MessageText.Quote(name)} needs {byteLengths[expected]} bytes ({TensorDTypes.Name(specs[expected].DType)} {TensorShapes.Format(specs[expected].Shape)}), got {data.Length}.",
                nameof(data));
        }

        BeginTensor(name);
        WriteTensorChunk(data);
    }

    /// <summary>Writes a whole tensor from float32 values converted to its spec's dtype; one value per element.</summary>
    public void WriteTensorFloat32(string name, ReadOnlySpan<float> values)
    {
        var expected = CheckNext(name);
        if (values.Length != specs[expected].ElementCount)
        {
            throw new ArgumentException(
                $"{Path}: tensor {MessageText.Quote(name)} has {specs[expected].ElementCount} elements ({TensorShapes.Format(specs[expected].Shape)}), got {values.Length} values.",
                nameof(values));
        }

        BeginTensor(name);
        WriteTensorChunkFloat32(values);
    }

    /// <summary>Checks every tensor got all its bytes, flushes to disk and atomically renames the file to <see cref="Path"/>.</summary>
    public void Commit()
    {
        Complete();
        if (committed)
        {
            return;
        }

        try
        {
            File.Move(tempPath, Path, overwrite: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UserInputException($"{Path}: cannot replace file: {e.Message}", e);
        }

        committed = true;
    }

    /// <summary>Deletes the temporary file unless <see cref="Commit"/> succeeded.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        try
        {
            // On a full disk, closing flushes the write buffer and fails again: the temporary file must go regardless.
            stream?.Dispose();
        }
        catch (Exception e) when (!committed && e is IOException)
        {
        }
        finally
        {
            stream = null;
            if (!committed)
            {
                try
                {
                    File.Delete(tempPath);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Best effort: Dispose often runs while another exception unwinds, which must not be masked.
                }
            }
        }
    }

    /// <summary>Whether every tensor has received all its bytes (the file may still be open).</summary>
    internal bool IsFinished => current + 1 == specs.Length && (current < 0 || writtenToCurrent == byteLengths[current]);

    /// <summary>
    /// Finishes the data and closes the temporary file without renaming it. A sharded writer calls this when it moves on
    /// to the next shard, so that only one shard at a time holds a file handle and write buffer.
    /// </summary>
    internal void Complete()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (stream is null)
        {
            return;
        }

        if (!IsFinished)
        {
            var missing = current >= 0 && writtenToCurrent != byteLengths[current] ? current : current + 1;
            var got = missing == current ? writtenToCurrent : 0;
            throw new InvalidOperationException(
                $"{Path}: cannot commit: tensor {MessageText.Quote(specs[missing].Name)} got {got} of its {byteLengths[missing]} bytes ({specs.Length - missing} of {specs.Length} tensors incomplete).");
        }

        stream.Flush(flushToDisk: true);
        stream.Dispose();
        stream = null;
    }

    /// <summary>Index of <paramref name="name"/> if it may be started now; otherwise says what was expected instead.</summary>
    private int CheckNext(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfClosed();
        if (current >= 0 && writtenToCurrent != byteLengths[current])
        {
            throw new InvalidOperationException(
                $"{Path}: tensor {MessageText.Quote(specs[current].Name)} got {writtenToCurrent} of its {byteLengths[current]} bytes before {MessageText.Quote(name)} was started.");
        }

        var next = current + 1;
        if (next == specs.Length)
        {
            throw new InvalidOperationException($"{Path}: tensor {MessageText.Quote(name)} written after all {specs.Length} tensors were written.");
        }

        if (!string.Equals(specs[next].Name, name, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{Path}: expected tensor {MessageText.Quote(specs[next].Name)} next (tensors are written in spec order), got {MessageText.Quote(name)}.");
        }

        return next;
    }

    private void ThrowIfClosed()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (stream is null)
        {
            throw new InvalidOperationException($"{Path}: all tensors were already written and the file was closed.");
        }
    }

    private static long[] CheckSpecs(TensorSpec[] specs)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var byteLengths = new long[specs.Length];
        long total = 0;
        for (var i = 0; i < specs.Length; i++)
        {
            var spec = specs[i] ?? throw new ArgumentException($"Tensor spec {i} is null.", nameof(specs));
            ArgumentNullException.ThrowIfNull(spec.Name);
            ArgumentNullException.ThrowIfNull(spec.Shape);
            if (spec.Name == SafetensorsHeader.MetadataKey)
            {
                throw new ArgumentException($"\"{SafetensorsHeader.MetadataKey}\" is reserved and cannot name a tensor.", nameof(specs));
            }

            if (!names.Add(spec.Name))
            {
                throw new ArgumentException($"Tensor {MessageText.Quote(spec.Name)} is listed twice.", nameof(specs));
            }

            try
            {
                byteLengths[i] = spec.ByteLength;
                total = checked(total + byteLengths[i]);
            }
            catch (OverflowException e)
            {
                throw new ArgumentException($"Tensor {MessageText.Quote(spec.Name)} shape {TensorShapes.Format(spec.Shape)} overflows a 64-bit byte count.", nameof(specs), e);
            }
        }

        return byteLengths;
    }

    /// <summary>Length prefix plus JSON header, padded with spaces to a multiple of 8 bytes like the reference writer, so the data section is aligned.</summary>
    private static byte[] BuildHeader(TensorSpec[] specs, long[] byteLengths, IReadOnlyDictionary<string, string>? metadata)
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (metadata is not null)
            {
                writer.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    ArgumentNullException.ThrowIfNull(key, nameof(metadata));
                    ArgumentNullException.ThrowIfNull(value, nameof(metadata));
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            long offset = 0;
            for (var i = 0; i < specs.Length; i++)
            {
                writer.WriteStartObject(specs[i].Name);
                writer.WriteString("dtype", TensorDTypes.Name(specs[i].DType));
                writer.WriteStartArray("shape");
                foreach (var dim in specs[i].Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + byteLengths[i]);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += byteLengths[i];
            }

            writer.WriteEndObject();
        }

        var jsonLength = (int)json.Length;
        var padded = (jsonLength + 7) / 8 * 8;
        var header = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        json.GetBuffer().AsSpan(0, jsonLength).CopyTo(header.AsSpan(8));
        header.AsSpan(8 + jsonLength).Fill((byte)' ');
        return header;
    }
}
