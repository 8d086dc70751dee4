namespace ModelGate.GitHub;

/// <summary>The workflow command an annotation is written with (notice, warning, error).</summary>
public enum AnnotationLevel
{
    Notice,
    Warning,
    Error,
}
