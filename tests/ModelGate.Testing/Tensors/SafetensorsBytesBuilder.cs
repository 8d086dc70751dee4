using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ModelGate.Testing.Tensors;

/// <summary>
/// Builds safetensors files byte by byte for tests, independently of the production writer, so reader tests do not
/// trust the code they check. Every piece can be overridden to produce deliberately broken files: raw header JSON,
/// raw entries, a lying length prefix, extra or missing data bytes.
/// </summary>
public sealed class SafetensorsBytesBuilder
{
    private readonly List<(string Key, string Json)> entries = [];
    private readonly ArrayBufferWriter<byte> data = new();
    private string? metadataJson;
    private string? rawHeader;
    private ulong? headerLengthOverride;
    private bool pad = true;

    /// <summary>Adds a tensor whose data_offsets follow the data added so far; dtype is a string so unknown ones can be tested.</summary>
    public SafetensorsBytesBuilder AddTensor(string name, string dtype, long[] shape, byte[] bytes)
    {
        var begin = data.WrittenCount;
        data.Write(bytes);
        return AddEntry(name, dtype, shape, begin, data.WrittenCount);
    }

    public SafetensorsBytesBuilder AddFloat32(string name, long[] shape, params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return AddTensor(name, "F32", shape, bytes);
    }

    /// <summary>Adds a well-formed entry with explicit offsets and no data (pair with <see cref="AddData"/>).</summary>
    public SafetensorsBytesBuilder AddEntry(string name, string dtype, long[] shape, long begin, long end) =>
        AddRawEntry(name, $"{{\"dtype\":{JsonSerializer.Serialize(dtype)},\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{begin},{end}]}}");

    /// <summary>Adds an entry whose value is the given JSON text, verbatim.</summary>
    public SafetensorsBytesBuilder AddRawEntry(string key, string valueJson)
    {
        entries.Add((key, valueJson));
        return this;
    }

    public SafetensorsBytesBuilder AddData(byte[] bytes)
    {
        data.Write(bytes);
        return this;
    }

    public SafetensorsBytesBuilder WithMetadata(IReadOnlyDictionary<string, string> metadata) =>
        WithRawMetadata(JsonSerializer.Serialize(metadata));

    public SafetensorsBytesBuilder WithRawMetadata(string json)
    {
        metadataJson = json;
        return this;
    }

    /// <summary>Replaces the whole header JSON (entries and metadata are then ignored).</summary>
    public SafetensorsBytesBuilder WithRawHeader(string json)
    {
        rawHeader = json;
        return this;
    }

    /// <summary>Writes this number as the length prefix instead of the real header length.</summary>
    public SafetensorsBytesBuilder WithHeaderLength(ulong claimed)
    {
        headerLengthOverride = claimed;
        return this;
    }

    /// <summary>Leaves the header unpadded (the format allows any length; padding to 8 is a writer convention).</summary>
    public SafetensorsBytesBuilder WithoutPadding()
    {
        pad = false;
        return this;
    }

    public byte[] Build() => Build(HeaderBytes());

    /// <summary>Builds with the header given as raw bytes (for invalid UTF-8).</summary>
    public byte[] Build(byte[] header)
    {
        var padded = header;
        if (pad && header.Length % 8 != 0)
        {
            padded = new byte[(header.Length + 7) / 8 * 8];
            header.CopyTo(padded, 0);
            padded.AsSpan(header.Length).Fill((byte)' ');
        }

        var result = new byte[8 + padded.Length + data.WrittenCount];
        BinaryPrimitives.WriteUInt64LittleEndian(result, headerLengthOverride ?? (ulong)padded.Length);
        padded.CopyTo(result, 8);
        data.WrittenSpan.CopyTo(result.AsSpan(8 + padded.Length));
        return result;
    }

    /// <summary>Writes the file and returns its path.</summary>
    public string WriteTo(string path)
    {
        File.WriteAllBytes(path, Build());
        return path;
    }

    public byte[] HeaderBytes()
    {
        if (rawHeader is not null)
        {
            return Encoding.UTF8.GetBytes(rawHeader);
        }

        var parts = new List<string>();
        if (metadataJson is not null)
        {
            parts.Add($"\"__metadata__\":{metadataJson}");
        }

        parts.AddRange(entries.Select(e => $"{JsonSerializer.Serialize(e.Key)}:{e.Json}"));
        return Encoding.UTF8.GetBytes("{" + string.Join(",", parts) + "}");
    }
}
