namespace ModelGate.MSBuild;

internal enum DiagnosticSeverity
{
    Message,
    Warning,
    Error,
}
