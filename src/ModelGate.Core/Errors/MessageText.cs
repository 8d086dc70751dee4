using System.Globalization;
using System.Text;

namespace ModelGate.Core.Errors;

internal static class MessageText
{
    /// <summary>
    /// Quotes a name taken from a file for an error message. Names are arbitrary JSON strings, so control characters
    /// are escaped: a tensor named "a\nb" must not break the one-line message front ends print.
    /// </summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text.Length <= 200 ? text : text[..200] + "...")
        {
            if (char.IsControl(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }
}
