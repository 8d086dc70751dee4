namespace ModelGate.Core.Spectral.Publishing;

/// <summary>What <c>SpectrumPublisher.PublishAsync</c> did: entries uploaded and their bytes, entries that were already there.</summary>
public sealed record PublishResult(int Uploaded, long BytesUploaded, int AlreadyPublished, string Location);
