using System.Diagnostics.CodeAnalysis;

namespace ModelGate.Core.Adapters;

/// <summary>Adapters to apply in order, loaded together and released together.</summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "A stack is the domain's word for adapters applied one on top of the other, in order (each adapter on the last); it is not a Stack<T>.")]
public sealed class AdapterStack : IDisposable
{
    private readonly List<LoraAdapter> _adapters;

    private AdapterStack(List<LoraAdapter> adapters) => _adapters = adapters;

    public IReadOnlyList<LoraAdapter> Adapters => _adapters;

    public IEnumerable<string> Warnings => _adapters.SelectMany(a => a.Warnings);

    /// <summary>Loads every folder; if one fails, the ones already open are closed before the error propagates.</summary>
    public static AdapterStack Load(IReadOnlyList<string> folders)
    {
        if (folders.Count == 0)
        {
            throw new Errors.UserInputException(Errors.InputField.Adapter, "missing: give at least one adapter folder");
        }

        var loaded = new List<LoraAdapter>(folders.Count);
        try
        {
            foreach (var folder in folders)
            {
                loaded.Add(LoraAdapter.Load(folder));
            }

            return new AdapterStack(loaded);
        }
        catch
        {
            loaded.ForEach(a => a.Dispose());
            throw;
        }
    }

    public void Dispose() => _adapters.ForEach(a => a.Dispose());
}
