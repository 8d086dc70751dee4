namespace ModelGate.Cli.Rendering;

public enum ReportFormat
{
    Table,
    Json,
    Markdown,
}
