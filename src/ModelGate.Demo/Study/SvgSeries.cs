namespace ModelGate.Demo.Study;

/// <summary>One named set of points of an <see cref="SvgChart"/>, joined by a line unless <see cref="Joined"/> is false.</summary>
public sealed record SvgSeries(string Name, IReadOnlyList<(double X, double Y)> Points, bool Joined = true);
