using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Procedures.Processing.Feedback;

public enum TokenCheck { Valid, Invalid, Expired }

/// <summary>
/// The signed links' tokens: "{expiry as Unix seconds}.{HMAC-SHA256 over purpose, subject and expiry, base64url}". The
/// subject (a dossier code, a feedback id) is in the link's path, so a token is good for that one subject and purpose
/// only, and changing the expiry breaks the signature. Pure: the key and the time are given.
/// </summary>
public static class SignedToken
{
    public static string Create(byte[] key, string purpose, string subject, DateTimeOffset expiresAt)
    {
        var expiry = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return expiry + "." + Base64Url(Mac(key, purpose, subject, expiry));
    }

    /// <summary>The signature is checked before the expiry: a token with an altered expiry is invalid, not expired.</summary>
    public static TokenCheck Verify(byte[] key, string purpose, string subject, string? token, DateTimeOffset now)
    {
        if (token is not { Length: > 0 and <= 128 } || token.Split('.') is not [var expiry, var mac]
            || !long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return TokenCheck.Invalid;
        var expected = Encoding.ASCII.GetBytes(Base64Url(Mac(key, purpose, subject, expiry)));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(mac))) return TokenCheck.Invalid;
        return now.ToUnixTimeSeconds() > seconds ? TokenCheck.Expired : TokenCheck.Valid;
    }

    private static byte[] Mac(byte[] key, string purpose, string subject, string expiry)
        => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{purpose}\n{subject}\n{expiry}"));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
