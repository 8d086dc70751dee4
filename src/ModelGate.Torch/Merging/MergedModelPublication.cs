using ModelGate.Core.Adapters;

namespace ModelGate.Torch.Merging;

/// <summary>What a merge into a registry wrote, and what it uploaded for it.</summary>
/// <param name="Merge">The merge itself; its output is the release's location (redacted).</param>
/// <param name="UploadedFiles">Files uploaded, the marker not counted.</param>
/// <param name="UploadedBytes">Their bytes.</param>
/// <param name="KeptFiles">Files a merge cut short had already uploaded with the same bytes, so not uploaded again.</param>
public sealed record MergedModelPublication(MergeResult Merge, int UploadedFiles, long UploadedBytes, int KeptFiles);
