using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace ModelGate.Core.Reporting;

/// <summary>
/// A report-model object that refuses unknown members: a typo in a user's template (<c>verdict.statuss</c>) is an
/// error with its line and column, not a silently empty cell. (Scriban's StrictVariables covers only top-level names.)
/// </summary>
internal sealed class StrictScriptObject : ScriptObject
{
    public override bool TryGetValue(TemplateContext? context, SourceSpan span, string member, out object? value)
    {
        if (base.TryGetValue(context, span, member, out value))
        {
            return true;
        }

        throw new ScriptRuntimeException(span, $"the report model has no '{member}' here");
    }
}
