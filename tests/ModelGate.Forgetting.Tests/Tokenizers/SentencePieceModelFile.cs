using System.Text;

namespace ModelGate.Forgetting.Tests.Tokenizers;

/// <summary>
/// Writes a tiny SentencePiece BPE <c>tokenizer.model</c> (the protobuf of sentencepiece_model.proto) by hand:
/// pieces with scores and types, BPE as the model type, the identity normaliser with a dummy prefix and ▁ for spaces.
/// </summary>
internal static class SentencePieceModelFile
{
    public enum PieceType
    {
        Normal = 1,
        Unknown = 2,
        Control = 3,
    }

    public static byte[] Bpe(IReadOnlyList<(string Piece, float Score, PieceType Type)> pieces)
    {
        using var model = new MemoryStream();
        foreach (var (piece, score, type) in pieces)
        {
            using var p = new MemoryStream();
            String(p, 1, piece);
            Tag(p, 2, 5);
            p.Write(BitConverter.GetBytes(score));
            Tag(p, 3, 0);
            Varint(p, (ulong)type);
            Message(model, 1, p.ToArray());
        }

        using (var trainer = new MemoryStream())
        {
            Tag(trainer, 3, 0);
            Varint(trainer, 2); // model_type = BPE
            Message(model, 2, trainer.ToArray());
        }

        using (var normalizer = new MemoryStream())
        {
            String(normalizer, 1, "identity");
            Tag(normalizer, 3, 0);
            Varint(normalizer, 1); // add_dummy_prefix
            Tag(normalizer, 4, 0);
            Varint(normalizer, 0); // remove_extra_whitespaces
            Tag(normalizer, 5, 0);
            Varint(normalizer, 1); // escape_whitespaces
            Message(model, 3, normalizer.ToArray());
        }

        return model.ToArray();
    }

    private static void String(Stream s, int field, string value) => Message(s, field, Encoding.UTF8.GetBytes(value));

    private static void Message(Stream s, int field, byte[] bytes)
    {
        Tag(s, field, 2);
        Varint(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void Tag(Stream s, int field, int wireType) => Varint(s, (ulong)((field << 3) | wireType));

    private static void Varint(Stream s, ulong value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            s.WriteByte(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
    }
}
