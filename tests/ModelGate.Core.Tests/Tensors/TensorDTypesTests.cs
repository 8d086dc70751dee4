using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Tests.Tensors;

public sealed class TensorDTypesTests
{
    [Fact]
    public void Parse_EveryDTypeName_ParsesBackToItself()
    {
        foreach (var dtype in Enum.GetValues<TensorDType>())
        {
            Assert.Equal(dtype, TensorDTypes.Parse(TensorDTypes.Name(dtype)));
        }
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("1")]
    [InlineData(" F32")]
    [InlineData("F4")]
    public void Parse_AnythingButTheExactFormatSpelling_IsRejected(string name)
    {
        var e = Assert.Throws<UserInputException>(() => TensorDTypes.Parse(name));
        Assert.Contains("unknown dtype", e.Message);
    }

    [Fact]
    public void SizeOf_MatchesTheFormat()
    {
        Assert.Equal(8, TensorDTypes.SizeOf(TensorDType.F64));
        Assert.Equal(4, TensorDTypes.SizeOf(TensorDType.F32));
        Assert.Equal(2, TensorDTypes.SizeOf(TensorDType.BF16));
        Assert.Equal(1, TensorDTypes.SizeOf(TensorDType.BOOL));
        Assert.Equal(1, TensorDTypes.SizeOf(TensorDType.F8_E5M2));
        Assert.True(TensorDTypes.IsFloatingPoint(TensorDType.F8_E4M3));
        Assert.False(TensorDTypes.IsFloatingPoint(TensorDType.I64));
    }
}
