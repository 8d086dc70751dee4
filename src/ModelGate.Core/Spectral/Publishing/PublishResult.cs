namespace ModelGate.Core.Spectral.Publishing;

/// <summary>What <see cref="SpectrumPublisher.PublishAsync"/> did: entries uploaded and their bytes, entries that were already there.</summary>
public sealed record PublishResult(int Uploaded, long BytesUploaded, int AlreadyPublished, string Location);
