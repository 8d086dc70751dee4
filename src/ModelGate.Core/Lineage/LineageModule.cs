namespace ModelGate.Core.Lineage;

/// <summary>One weight matrix after one release of a lineage.</summary>
/// <param name="Name">The base tensor's name, e.g. <c>model.layers.0.self_attn.q_proj.weight</c>.</param>
/// <param name="Layer">The transformer block, when the name has one.</param>
/// <param name="Cumulative">Intruders of the weight after releases 1..i against the original base weight.</param>
/// <param name="New">Intruders of the weight after release i against the weight after release i−1: what release i itself brought.</param>
/// <param name="ChangedByStep">Whether release i changes this weight at all; a weight it leaves alone has no new intruders by definition.</param>
public sealed record LineageModule(string Name, int? Layer, int Cumulative, int New, bool ChangedByStep);
