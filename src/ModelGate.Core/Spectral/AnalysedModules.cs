using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Spectral;

/// <summary>
/// The modules an adapter analysis covers, in the order it reports them: every 2-D base weight the adapters change
/// that the module pattern matches. The analysis and a gate combining shards of it list them the same way.
/// </summary>
public static class AnalysedModules
{
    public static IReadOnlyList<TensorUpdate> Of(ModelWeights baseWeights, AdapterStack adapters, AnalysisSettings settings)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        ArgumentNullException.ThrowIfNull(settings);
        var filter = settings.ModuleFilter();
        var changed = MergePlanner.Plan(baseWeights, adapters.Adapters);
        var updates = changed.Where(u => u.IsMatrix && (filter is null || filter.IsMatch(u.TensorName))).ToArray();
        if (updates.Length == 0)
        {
            throw filter is null
                ? new UserInputException("the adapters change no 2-D weight of the base model")
                : new UserInputException(InputField.Modules, $"'{settings.Modules}' matches none of the {changed.Count} weights the adapters change");
        }

        return updates;
    }

    /// <summary>The shard split's cost of an update (<see cref="Sharding.ModuleCost.Of"/>).</summary>
    public static double Cost(TensorUpdate update, string method)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Sharding.ModuleCost.Of(update.Base.Shape[0], update.Base.Shape[1], LowRankUpdate.IsLowRank(update) ? LowRankUpdate.Rank(update) : 0, method);
    }
}
