using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// A named node of a model's module tree that only holds children. Architectures build the tree with transformers'
/// names (<c>model.layers.0.self_attn.q_proj</c>), so a parameter's path is the checkpoint's tensor name and PEFT's
/// module path, and write the computation over the leaves; nothing has to map names between the two.
/// </summary>
internal sealed class ModuleGroup(string name) : nn.Module(name)
{
    public T Add<T>(string childName, T child)
        where T : nn.Module
    {
        register_module(childName, child);
        return child;
    }

    public Parameter AddParameter(string parameterName, Parameter parameter)
    {
        register_parameter(parameterName, parameter);
        return parameter;
    }
}
