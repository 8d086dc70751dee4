namespace ModelGate.Demo.Study;

/// <summary>
/// For one intruder measure: the largest value among runs that did not forget and the smallest among runs that did.
/// The measure separates them when the first is below the second; a fail level ("above it fails") anywhere from
/// <see cref="MaxNotForgetting"/> up to <see cref="MinForgetting"/> − 1 then passes every run that kept the prose and blocks every run that lost it.
/// </summary>
public sealed record SeparatingLevel(string Measure, int? MaxNotForgetting, int? MinForgetting)
{
    public bool Separates => MaxNotForgetting is { } max && MinForgetting is { } min && max < min;
}
