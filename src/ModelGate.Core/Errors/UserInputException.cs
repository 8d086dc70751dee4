namespace ModelGate.Core.Errors;

/// <summary>
/// A problem with what the user gave us (a file, a tensor, an option), not a bug in ModelGate.
/// Front ends print <see cref="Exception.Message"/> as one line, without a stack trace, and exit with <see cref="BadInputExitCode"/>.
/// </summary>
public sealed class UserInputException : Exception
{
    /// <summary>Exit code for bad usage or bad input.</summary>
    public const int BadInputExitCode = 2;

    public UserInputException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
