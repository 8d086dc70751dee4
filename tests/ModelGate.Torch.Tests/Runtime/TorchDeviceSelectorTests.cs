using ModelGate.Core.Errors;
using ModelGate.Torch.Runtime;
using TorchSharp;

namespace ModelGate.Torch.Tests.Runtime;

public sealed class TorchDeviceSelectorTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void Select_Cpu_IsTheCpu(string choice) => Assert.Equal(DeviceType.CPU, TorchDeviceSelector.Select(choice).type);

    [Theory]
    [InlineData("auto")]
    [InlineData(null)]
    public void Select_Auto_TakesCudaOnlyWhenAvailable(string? choice)
    {
        var device = TorchDeviceSelector.Select(choice);

        Assert.Equal(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, device.type);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    public void Select_CudaWithoutAGpu_IsAUserErrorNamingTheOption(string choice)
    {
        TorchRuntime.EnsureLoaded();
        if (torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, TorchDeviceSelector.Select(choice).type);
            return;
        }

        var error = Assert.Throws<UserInputException>(() => TorchDeviceSelector.Select(choice));
        Assert.Equal(InputField.Device, error.Field);
        Assert.Contains("not available", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void Select_UnknownChoices_AreUserErrors(string choice)
    {
        var error = Assert.Throws<UserInputException>(() => TorchDeviceSelector.Select(choice));
        Assert.Equal(InputField.Device, error.Field);
    }
}
