using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// A linear map stored as <c>nn.Linear</c> stores it (out × in) or as GPT-2's <c>Conv1D</c> does (in × out), with an
/// optional low-rank branch (LoRA's <c>lora_A</c> / <c>lora_B</c>, PEFT's names) that training can attach. Loaded
/// models never carry a branch: adapters are merged into <see cref="Weight"/> when the model loads.
/// </summary>
internal sealed class LinearLayer : nn.Module<Tensor, Tensor>
{
    private readonly bool _storedInByOut;
    private LinearLayer? _loraA;
    private LinearLayer? _loraB;
    // A Scalar held by the layer: one converted implicitly in forward can be finalized while libtorch reads it.
    private Scalar? _loraScale;

    public LinearLayer(string name, long inFeatures, long outFeatures, bool hasBias, TensorPlacement placement, bool storedInByOut = false)
        : base(name)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _storedInByOut = storedInByOut;
        Weight = placement.NewParameter(storedInByOut ? [inFeatures, outFeatures] : [outFeatures, inFeatures]);
        register_parameter("weight", Weight);
        if (hasBias)
        {
            Bias = placement.NewParameter(outFeatures);
            register_parameter("bias", Bias);
        }
    }

    public long InFeatures { get; }

    public long OutFeatures { get; }

    public Parameter Weight { get; }

    public Parameter? Bias { get; }

    /// <summary>The trainable low-rank factors, once attached: A is rank × in, B is out × rank, as PEFT stores them.</summary>
    public (Parameter A, Parameter B)? LowRank => _loraA is null ? null : (_loraA.Weight, _loraB!.Weight);

    public override Tensor forward(Tensor input)
    {
        var output = _storedInByOut
            ? Bias is null ? input.matmul(Weight) : input.matmul(Weight).add(Bias)
            : nn.functional.linear(input, Weight, Bias);
        return _loraA is null ? output : output.add(_loraB!.forward(_loraA.forward(input)).mul(_loraScale!));
    }

    /// <summary>
    /// Adds LoRA's branch y += s·B·A·x with A random (std 1/√in, from <paramref name="initialA"/>) and B zero, so
    /// training starts from the unchanged layer, as PEFT initialises it.
    /// </summary>
    public void AttachLowRank(int rank, double scale, float[] initialA)
    {
        if (_loraA is not null)
        {
            throw new InvalidOperationException($"{GetName()}: a low-rank branch is attached already");
        }

        var placement = new TensorPlacement(Weight.device, Weight.dtype);
        _loraA = new LinearLayer("lora_A", InFeatures, rank, false, placement);
        _loraB = new LinearLayer("lora_B", rank, OutFeatures, false, placement);
        using (no_grad())
        {
            _loraA.Weight.copy_(tensor(initialA, [rank, InFeatures]).to(Weight.dtype).to(Weight.device));
            _loraB.Weight.zero_();
        }

        _loraScale = scale.ToScalar();
        register_module("lora_A", _loraA);
        register_module("lora_B", _loraB);
    }
}
