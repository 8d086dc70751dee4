namespace ModelGate.Demo;

/// <summary>
/// A demo for the forgetting benchmarks: a base model pre-trained on prose, an adapter trained hard on code (it
/// forgets the prose), a mild adapter trained gently on more prose (it does not), and held-out text of both kinds.
/// </summary>
public sealed record ForgettingDemo(
    string Folder,
    string BaseModel,
    string ForgettingAdapter,
    string MildAdapter,
    string HeldOutProse,
    string HeldOutCode,
    TrainingRun BaseTraining,
    TrainingRun ForgettingTraining,
    TrainingRun MildTraining);
