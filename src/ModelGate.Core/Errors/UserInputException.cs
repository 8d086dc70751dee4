namespace ModelGate.Core.Errors;

/// <summary>
/// A problem with what the user gave us (a file, a tensor, a setting), not a bug in ModelGate.
/// Front ends print it as one line, without a stack trace, and exit with <see cref="BadInputExitCode"/>. When the
/// problem is one value the user gave (<see cref="Field"/>), <see cref="Exception.Message"/> names it in the domain's
/// words and a front end names it its own way, followed by <see cref="Detail"/>.
/// </summary>
public sealed class UserInputException : Exception
{
    /// <summary>Exit code for bad usage or bad input.</summary>
    public const int BadInputExitCode = 2;

    public UserInputException(string message, Exception? inner = null)
        : base(message, inner)
    {
        Detail = message;
    }

    /// <param name="field">The value that is wrong.</param>
    /// <param name="detail">What is wrong, worded to follow the field's name (e.g. "must be at least 1, got 0").</param>
    /// <param name="inner">The cause, if any.</param>
    public UserInputException(InputField field, string detail, Exception? inner = null)
        : base($"{field.Words} {detail}", inner)
    {
        Field = field;
        Detail = detail;
    }

    /// <summary>The value the message is about; null when it is not one value (a file's content, a combination).</summary>
    public InputField? Field { get; }

    /// <summary>The message after the field's name; the whole message when there is no field.</summary>
    public string Detail { get; }

    /// <summary>The message with the field named by <paramref name="name"/> (a front end's own word for it).</summary>
    public string MessageNaming(Func<InputField, string> name) => Field is null ? Message : $"{name(Field)} {Detail}";
}
