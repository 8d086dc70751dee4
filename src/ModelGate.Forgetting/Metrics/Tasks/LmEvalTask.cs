namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// A task as lm-evaluation-harness defines it (its YAML and utils under <c>lm_eval/tasks/</c>): which rows it reads
/// and how it turns each into what is scored. The subclasses say what kind of scoring that is.
/// </summary>
public abstract class LmEvalTask
{
    /// <summary>The name <c>lm_eval --tasks</c> takes.</summary>
    public abstract string Name { get; }

    public abstract HubDataset Dataset { get; }
}
