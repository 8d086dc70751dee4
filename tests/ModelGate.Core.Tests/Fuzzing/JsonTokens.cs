namespace ModelGate.Core.Tests.Fuzzing;

/// <summary>
/// A forgiving JSON scanner for the mutator: it finds strings, numbers, literals and brackets in any bytes, valid
/// JSON or not, so that JSON-aware mutations still have something to aim at after earlier mutations broke the text.
/// </summary>
internal static class JsonTokens
{
    public enum Kind
    {
        String,
        Number,
        Literal,
        Open,
        Close,
        Colon,
        Comma,
    }

    public readonly record struct Token(Kind Kind, int Start, int Length)
    {
        public int End => Start + Length;
    }

    public static List<Token> Scan(ReadOnlySpan<byte> text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var start = i;
            switch (c)
            {
                case (byte)'"':
                    i++;
                    while (i < text.Length && text[i] != '"')
                    {
                        i += text[i] == '\\' ? 2 : 1;
                    }

                    i = Math.Min(i + 1, text.Length);
                    tokens.Add(new Token(Kind.String, start, i - start));
                    continue;
                case (byte)'{' or (byte)'[':
                    tokens.Add(new Token(Kind.Open, i++, 1));
                    continue;
                case (byte)'}' or (byte)']':
                    tokens.Add(new Token(Kind.Close, i++, 1));
                    continue;
                case (byte)':':
                    tokens.Add(new Token(Kind.Colon, i++, 1));
                    continue;
                case (byte)',':
                    tokens.Add(new Token(Kind.Comma, i++, 1));
                    continue;
            }

            if (c == '-' || char.IsAsciiDigit((char)c))
            {
                i++;
                while (i < text.Length && (char.IsAsciiDigit((char)text[i]) || text[i] is (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-'))
                {
                    i++;
                }

                tokens.Add(new Token(Kind.Number, start, i - start));
            }
            else if (char.IsAsciiLetterLower((char)c))
            {
                while (i < text.Length && char.IsAsciiLetterLower((char)text[i]))
                {
                    i++;
                }

                tokens.Add(new Token(Kind.Literal, start, i - start));
            }
            else
            {
                i++;
            }
        }

        return tokens;
    }

    /// <summary>The index of the token after the value that starts at <paramref name="first"/> (a scalar, or a bracketed value up to its match).</summary>
    public static int ValueEnd(List<Token> tokens, int first)
    {
        if (tokens[first].Kind != Kind.Open)
        {
            return first + 1;
        }

        var depth = 0;
        for (var i = first; i < tokens.Count; i++)
        {
            depth += tokens[i].Kind switch { Kind.Open => 1, Kind.Close => -1, _ => 0 };
            if (depth == 0)
            {
                return i + 1;
            }
        }

        return tokens.Count;
    }

    /// <summary>Indexes of string tokens that are object keys (followed by a colon).</summary>
    public static List<int> Keys(List<Token> tokens)
    {
        var keys = new List<int>();
        for (var i = 0; i + 1 < tokens.Count; i++)
        {
            if (tokens[i].Kind == Kind.String && tokens[i + 1].Kind == Kind.Colon)
            {
                keys.Add(i);
            }
        }

        return keys;
    }

    /// <summary>Indexes of tokens that start a value: scalars that are not keys, and opening brackets.</summary>
    public static List<int> Values(List<Token> tokens)
    {
        var values = new List<int>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var isKey = tokens[i].Kind == Kind.String && i + 1 < tokens.Count && tokens[i + 1].Kind == Kind.Colon;
            if (!isKey && tokens[i].Kind is Kind.String or Kind.Number or Kind.Literal or Kind.Open)
            {
                values.Add(i);
            }
        }

        return values;
    }
}
