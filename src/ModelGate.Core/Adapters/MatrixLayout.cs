namespace ModelGate.Core.Adapters;

/// <summary>How a stored 2-D weight relates to the out × in matrix that intruder analysis decomposes.</summary>
public enum MatrixLayout
{
    /// <summary>Stored as analysed: <c>nn.Linear</c> (out × in) and <c>nn.Embedding</c> (vocab × dim), as the paper's code reads them.</summary>
    AsStored,

    /// <summary>Stored in × out (GPT-2 <c>Conv1D</c>, PEFT's fan_in_fan_out): transposed before analysis.</summary>
    Transposed,
}
