namespace ModelGate.Demo.Study;

/// <summary>What a study run is: the demo's two adapters, a LoRA grid cell, a full fine-tune, a chain step or a repair point.</summary>
public enum StudyRunKind
{
    Demo,
    Lora,
    FullFineTune,
    Chain,
    Repair,
}
