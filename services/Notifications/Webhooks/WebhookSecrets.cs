using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Procedures.Notifications.Webhooks;

/// <summary>
/// Keeps subscriptions' signing secrets sealed at rest (AES-256-GCM under <see cref="WebhookOptions.SecretKey"/>): the
/// dispatcher must sign with the secret itself, so it cannot be hashed, but a copy of the database (a backup, a replica,
/// a support dump) no longer lets anyone sign events as the city. Sealed values read
/// <c>sealed:v1:base64(nonce | tag | ciphertext)</c>; a value without that prefix is a secret stored before sealing and is
/// used as it is.
/// </summary>
public sealed class WebhookSecrets
{
    private const string Prefix = "sealed:v1:";
    private const int NonceSize = 12, TagSize = 16;
    private readonly byte[] _key;

    public WebhookSecrets(IOptions<WebhookOptions> options)
    {
        var material = options.Value.SecretKey;
        if (material is not { Length: >= 32 })
            throw new InvalidOperationException($"{WebhookOptions.Section}:SecretKey must be set (32 characters or more): it seals webhook secrets at rest.");
        // The setting is text of any length; the cipher needs 32 bytes.
        _key = SHA256.HashData(Encoding.UTF8.GetBytes(material));
    }

    public string Seal(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The secret; throws <see cref="CryptographicException"/> for a value altered or sealed under another key.</summary>
    public string Open(string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal)) return stored;
        var sealedBytes = Convert.FromBase64String(stored[Prefix.Length..]);
        if (sealedBytes.Length < NonceSize + TagSize) throw new CryptographicException("The sealed webhook secret is truncated.");
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain);
        return Encoding.UTF8.GetString(plain);
    }
}
