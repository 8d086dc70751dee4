using System.Text.RegularExpressions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Registries;

namespace ModelGate.Core.Provenance;

/// <summary>
/// Holds what an adapter's <c>adapter_config.json</c> says about its base (<c>base_model_name_or_path</c>,
/// <c>revision</c>) against the base it is gated with, and notes an update that is numerically zero. Lenient where
/// it cannot know: a folder named otherwise is "unknown", not a mismatch; a mismatch needs two Hub ids (or revisions)
/// that differ.
/// </summary>
public static partial class ProvenanceInspector
{
    public static AdapterProvenance Inspect(ResolvedModel baseModel, ResolvedModel adapterModel, LoraAdapter adapter)
    {
        var declared = adapter.Config.BaseModelNameOrPath;
        var revision = adapter.Config.Revision;
        var (match, finding) = CompareBase(declared, revision, BaseIdentity.Of(baseModel));
        return new AdapterProvenance(adapterModel.Display, declared, revision, baseModel.Display, match, finding, adapter.ChangesNothing);
    }

    internal static (BaseMatch, string) CompareBase(string? declared, string? declaredRevision, BaseIdentity given)
    {
        if (string.IsNullOrWhiteSpace(declared))
        {
            return (BaseMatch.Unknown, $"{AdapterConfig.FileName} names no base_model_name_or_path, so whether it was made on {given.Display} is unknown");
        }

        var names = given.Names.ToArray();
        var says = $"{AdapterConfig.FileName} names base '{declared}'";
        if (names.Any(n => Same(n, declared)))
        {
            return CompareRevision(says, declared, declaredRevision, given);
        }

        // PEFT writes the id the base was loaded by; two Hub ids that differ are two models (or two copies of one,
        // which the policy can accept by leaving this rule at warn).
        if (IsHubId(declared) && names.FirstOrDefault(IsHubId) is { } id)
        {
            return (BaseMatch.Mismatch, $"{says}, but the base given is '{id}' ({given.Display})");
        }

        // A local path is where that machine kept the model: only its folder name can be held against the base's.
        var declaredName = BaseIdentity.LastSegment(declared);
        if (names.Select(BaseIdentity.LastSegment).Append(given.LocationName).Any(n => Same(n, declaredName)))
        {
            return CompareRevision(says, declared, declaredRevision, given);
        }

        return (BaseMatch.Unknown, $"{says}; whether that is {given.Display} is unknown (neither its name nor its config.json's _name_or_path says)");
    }

    private static (BaseMatch, string) CompareRevision(string says, string declared, string? declaredRevision, BaseIdentity given)
    {
        if (declaredRevision is null)
        {
            return (BaseMatch.Match, $"{says}, the base given ({given.Display})");
        }

        var at = $"{says} at revision '{declaredRevision}'";
        if (given.HubRevision is null)
        {
            return (BaseMatch.Match, $"{at}; the base given ({given.Display}) matches by name, its revision is unknown");
        }

        var givenCommit = given.PinnedCommit ?? (Commit().IsMatch(given.HubRevision) ? given.HubRevision : null);
        var declaredCommit = Commit().IsMatch(declaredRevision);
        if (Same(declaredRevision, given.HubRevision) || (declaredCommit && givenCommit is not null && givenCommit.StartsWith(declaredRevision, StringComparison.OrdinalIgnoreCase)))
        {
            return (BaseMatch.Match, $"{at}, the base given ({given.Display})");
        }

        var givenAt = given.PinnedCommit is { } c && !Same(c, given.HubRevision) ? $"'{given.HubRevision}' (commit {c})" : $"'{given.HubRevision}'";
        // A branch or tag moves: whether it pointed at the base's commit when the adapter was made cannot be known.
        return declaredCommit && givenCommit is not null
            ? (BaseMatch.Mismatch, $"{at}, but the base given ({given.Display}) is {declared} at {givenAt}")
            : (BaseMatch.Unknown, $"{at}; the base given is at {givenAt}, and whether '{declaredRevision}' pointed there when the adapter was made is unknown");
    }

    private static bool Same(string a, string b) =>
        string.Equals(a.Trim().TrimEnd('/', '\\'), b.Trim().TrimEnd('/', '\\'), StringComparison.OrdinalIgnoreCase);

    private static bool IsHubId(string name) => HubId().IsMatch(name);

    // The Hub's names: letters, digits, '-', '_', '.', as org/name (a bare name may as well be a local folder).
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex HubId();

    [GeneratedRegex("^[0-9a-fA-F]{7,40}$")]
    private static partial Regex Commit();
}
