namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// An lm-eval <c>output_type: multiple_choice</c> task: each row becomes a context, its choices and the gold index,
/// scored as lm-eval does (continuation = target delimiter " " + choice; acc and acc_norm).
/// </summary>
public abstract class MultipleChoiceFormat : LmEvalTask
{
    public abstract MultipleChoiceItem Item(DatasetRow row);
}
