using System.Text;
using System.Text.Json;

namespace ModelGate.Core.Reporting;

/// <summary>The pieces every JSON contract of ours writes the same way.</summary>
internal static class JsonWriting
{
    public static string Indented(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    public static void Numbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    /// <summary>The transformer block, or null for a tensor outside the blocks (the key is always present).</summary>
    public static void Layer(Utf8JsonWriter w, int? layer)
    {
        if (layer is { } l)
        {
            w.WriteNumber("layer", l);
        }
        else
        {
            w.WriteNull("layer");
        }
    }
}
