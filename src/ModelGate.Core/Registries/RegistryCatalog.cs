using Microsoft.Extensions.DependencyInjection;
using ModelGate.Core.Errors;

namespace ModelGate.Core.Registries;

/// <summary>Picks the registry for a reference by its URI scheme, from the schemes registered with AddRegistry.</summary>
public sealed class RegistryCatalog(IServiceProvider services, IEnumerable<RegistryRegistration> registrations)
{
    private readonly Dictionary<string, Type> bySchemes = registrations
        .GroupBy(r => r.Scheme, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.Last().RegistryType, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Schemes => bySchemes.Keys;

    public IRegistry For(RegistryReference reference)
    {
        if (!bySchemes.TryGetValue(reference.Scheme, out var type))
        {
            throw new UserInputException($"{reference.Display}: no registry for scheme '{reference.Scheme}://' (known: {string.Join(", ", bySchemes.Keys.Order().Select(s => s + "://"))}, or a plain folder)");
        }

        return (IRegistry)services.GetRequiredService(type);
    }
}
