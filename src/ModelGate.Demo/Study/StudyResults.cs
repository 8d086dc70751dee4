namespace ModelGate.Demo.Study;

/// <summary>Every run of one study, in the order trained, and the k and ε they were counted with.</summary>
public sealed record StudyResults(StudySettings Settings, int K, double Epsilon, IReadOnlyList<StudyRun> Runs)
{
    public IEnumerable<StudyRun> Of(StudyRunKind kind) => Runs.Where(r => r.Kind == kind);
}
