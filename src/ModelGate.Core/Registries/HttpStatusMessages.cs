using System.Net;
using ModelGate.Core.Errors;

namespace ModelGate.Core.Registries;

/// <summary>
/// One-line messages for the statuses a user can fix, naming the URI as shown (secrets redacted) and what to
/// check; transient statuses become <see cref="TransientRegistryException"/> for the retry policy.
/// </summary>
public static class HttpStatusMessages
{
    /// <summary>Throws the exception that fits <paramref name="status"/>; returns normally for success.</summary>
    public static void ThrowUnlessSuccess(HttpStatusCode status, string display, string authHint, TimeSpan? retryAfter = null)
    {
        if ((int)status is >= 200 and < 300)
        {
            return;
        }

        if (RegistryRetry.IsTransientStatus(status))
        {
            throw new TransientRegistryException($"{display}: HTTP {(int)status} {status}", retryAfter);
        }

        throw new UserInputException(status switch
        {
            HttpStatusCode.Unauthorized => $"{display}: 401 Unauthorized ({authHint})",
            HttpStatusCode.Forbidden => $"{display}: 403 Forbidden: the credentials have no read access ({authHint})",
            HttpStatusCode.NotFound => $"{display}: 404 Not Found: check the name and the version (a private one answers 404 without credentials too)",
            _ => $"{display}: HTTP {(int)status} {status}",
        });
    }
}
