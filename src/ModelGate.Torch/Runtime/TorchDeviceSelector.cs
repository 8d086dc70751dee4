using ModelGate.Core.Errors;
using TorchSharp;

namespace ModelGate.Torch.Runtime;

/// <summary>Turns the user's <c>--device</c> choice (<c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>) into a TorchSharp device.</summary>
public static class TorchDeviceSelector
{
    public static readonly IReadOnlyList<string> Choices = ["auto", "cpu", "cuda"];

    /// <summary>
    /// <c>auto</c> prefers CUDA when TorchSharp sees a usable GPU. An explicit <c>cuda</c> without one is a user error
    /// rather than a silent CPU fallback: the user asked for speed they would not get.
    /// </summary>
    public static torch.Device Select(string? choice)
    {
        var normalized = (choice ?? "auto").Trim().ToLowerInvariant();
        var isCuda = normalized == "cuda" || normalized.StartsWith("cuda:", StringComparison.Ordinal);
        if (normalized is not ("auto" or "cpu") && !isCuda)
        {
            throw new UserInputException(InputField.Device, $"'{choice}' is not one of {string.Join(", ", Choices)} (or cuda:N).");
        }

        switch (normalized)
        {
            case "auto":
                return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
            case "cpu":
                return torch.CPU;
        }

        var index = 0;
        if (normalized.Length > 4 && (!int.TryParse(normalized[5..], out index) || index < 0))
        {
            throw new UserInputException(InputField.Device, $"'{choice}' has no valid GPU index; use cuda or cuda:N with N >= 0.");
        }

        if (!torch.cuda.is_available())
        {
            throw new UserInputException(InputField.Device,
                $"{choice} was requested but CUDA is not available (CPU-only TorchSharp build or no GPU); use cpu or auto.");
        }

        var count = torch.cuda.device_count();
        if (index >= count)
        {
            throw new UserInputException(InputField.Device, $"{choice} names GPU {index}, but only {count} GPU(s) are visible.");
        }

        return torch.device(DeviceType.CUDA, index);
    }
}
