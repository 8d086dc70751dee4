using ModelGate.Core.Errors;
using ModelGate.Core.Torch;
using TorchSharp;

namespace ModelGate.Core.Tests.Torch;

public sealed class TorchDeviceSelectorTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void Cpu_is_the_cpu(string choice) => Assert.Equal(DeviceType.CPU, TorchDeviceSelector.Select(choice).type);

    [Theory]
    [InlineData("auto")]
    [InlineData(null)]
    public void Auto_takes_cuda_only_when_available(string? choice)
    {
        var device = TorchDeviceSelector.Select(choice);

        Assert.Equal(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, device.type);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    public void Cuda_without_a_gpu_is_a_user_error_naming_the_option(string choice)
    {
        TorchRuntime.EnsureLoaded();
        if (torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, TorchDeviceSelector.Select(choice).type);
            return;
        }

        var error = Assert.Throws<UserInputException>(() => TorchDeviceSelector.Select(choice));
        Assert.Contains("--device", error.Message, StringComparison.Ordinal);
        Assert.Contains("not available", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void Unknown_choices_are_user_errors(string choice)
    {
        var error = Assert.Throws<UserInputException>(() => TorchDeviceSelector.Select(choice));
        Assert.Contains("--device", error.Message, StringComparison.Ordinal);
    }
}
