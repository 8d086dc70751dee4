using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using Parquet;
using Parquet.Serialization;

namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// The rows of a local dataset file, in file order: Parquet (the format Hugging Face serves datasets in), JSON Lines,
/// or JSON (an array of objects, else JSON Lines, which is what <c>datasets</c>' <c>to_json</c> writes). A Parquet
/// file is read one row group at a time, so a large file is never held whole; JSON files stay within
/// <see cref="BoundedFile.TextDataLimit"/>.
/// </summary>
public static class DatasetRows
{
    public static async IAsyncEnumerable<DatasetRow> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"{path}: dataset file not found");
        }

        var rows = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".parquet" => ReadParquetAsync(path, cancellationToken),
            ".json" when StartsWithArray(path) => ReadArray(path).ToAsyncEnumerable(),
            ".jsonl" or ".ndjson" or ".json" => JsonLines.Read(path, "dataset file").Select((line, i) => new DatasetRow(path, i + 1, line.Value)).ToAsyncEnumerable(),
            _ => throw new UserInputException($"{path}: a dataset file must be .parquet, .jsonl or .json"),
        };
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }

    private static async IAsyncEnumerable<DatasetRow> ReadParquetAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var groups = await RowGroupCountAsync(path, stream, cancellationToken);
        var number = 0;
        for (var group = 0; group < groups; group++)
        {
            var rows = await ParquetSerializer.DeserializeUntypedAsync(stream, rowGroupIndex: group, cancellationToken: cancellationToken);
            foreach (var row in rows.Data)
            {
                yield return new DatasetRow(path, ++number, ToJson(row));
            }
        }
    }

    private static async Task<int> RowGroupCountAsync(string path, Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
            return reader.RowGroupCount;
        }
        catch (IOException e)
        {
            throw new UserInputException($"{path}: not a Parquet file ({e.Message})", e);
        }
    }

    /// <summary>A Parquet row (scalars, lists, structs as dictionaries) as the JSON object a JSONL file would hold.</summary>
    private static JsonElement ToJson(object row)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, row);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case IDictionary<string, object> record:
                writer.WriteStartObject();
                foreach (var (name, field) in record)
                {
                    writer.WritePropertyName(name);
                    Write(writer, field);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable list and not byte[]:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case IConvertible number when number.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.Decimal:
                writer.WriteRawValue(Convert.ToString(number, CultureInfo.InvariantCulture)!);
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static bool StartsWithArray(string path)
    {
        using var reader = new StreamReader(BoundedFile.OpenRead(path, BoundedFile.TextDataLimit, "dataset file"));
        int c;
        while ((c = reader.Read()) >= 0 && char.IsWhiteSpace((char)c))
        {
        }

        return c == '[';
    }

    private static IEnumerable<DatasetRow> ReadArray(string path)
    {
        JsonElement array;
        try
        {
            using var stream = BoundedFile.OpenRead(path, BoundedFile.TextDataLimit, "dataset file");
            using var document = JsonDocument.Parse(stream);
            array = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: not valid JSON ({e.Message})", e);
        }

        var number = 0;
        foreach (var row in array.EnumerateArray())
        {
            number++;
            yield return row.ValueKind == JsonValueKind.Object ? new DatasetRow(path, number, row) : throw new UserInputException($"{path}: row {number}: expected a JSON object");
        }
    }
}
