using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Procedures.Intake.Certification;

/// <summary>
/// Signing keys of certified copies, configuration section <c>CertifiedCopies</c>: the current key (id + PKCS#8 PEM of an
/// ECDSA P-256 private key) signs new copies; <see cref="RetiredKeys"/> (id → SubjectPublicKeyInfo PEM) still verify
/// copies signed before a rotation. The development key is in appsettings.Development.json; production keys come from
/// the secret store.
/// </summary>
public sealed class CopySigningOptions
{
    public const string Section = "CertifiedCopies";

    public string? KeyId { get; set; }
    public string? PrivateKeyPem { get; set; }
    public Dictionary<string, string> RetiredKeys { get; set; } = [];
}

/// <summary>What a certified copy states; the signature covers exactly these fields (<see cref="CopySigner.Payload"/>).</summary>
public sealed record CopyFacts(Guid CopyId, Guid DocumentId, string Sha256, string OwnerIdNumber, string Officer, string Agency,
    DateTimeOffset CertifiedAt, string KeyId);

/// <summary>ECDSA P-256 over SHA-256 (.NET's own cryptography), signature in IEEE P1363 form, base64.</summary>
public sealed class CopySigner : IDisposable
{
    private readonly ECDsa? _current;
    private readonly Dictionary<string, ECDsa> _verifiers = new(StringComparer.Ordinal);

    public string? KeyId { get; }

    public CopySigner(CopySigningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (id, pem) in options.RetiredKeys)
        {
            var key = ECDsa.Create();
            key.ImportFromPem(pem);
            _verifiers[id] = key;
        }
        if (options.PrivateKeyPem is { Length: > 0 } privatePem)
        {
            if (string.IsNullOrWhiteSpace(options.KeyId))
                throw new OptionsValidationException(CopySigningOptions.Section, typeof(CopySigningOptions), [$"{CopySigningOptions.Section}:KeyId is required with a key."]);
            _current = ECDsa.Create();
            _current.ImportFromPem(privatePem);
            if (_current.KeySize != 256)
                throw new OptionsValidationException(CopySigningOptions.Section, typeof(CopySigningOptions), [$"{CopySigningOptions.Section}: the key must be ECDSA P-256."]);
            KeyId = options.KeyId;
            _verifiers[options.KeyId] = _current;
        }
        PublicKeySet = VerificationKeys.From(_verifiers.OrderBy(v => v.Key == KeyId ? 0 : 1).ThenBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => (v.Key, v.Value)));
    }

    /// <summary>The public half of every key a copy may name (the current one first), published as a JWKS.</summary>
    public VerificationKeys.KeySet PublicKeySet { get; }

    /// <summary>False when no signing key is configured: the service answers 503 to certification, verification still works.</summary>
    public bool CanSign => _current is not null;

    /// <summary>
    /// The canonical bytes signed: a JSON array of the fields in a fixed order (UTF-8, times in UTC with microseconds,
    /// as Postgres keeps them), prefixed by a version tag, so no field can run into the next.
    /// </summary>
    public static byte[] Payload(CopyFacts f) => JsonSerializer.SerializeToUtf8Bytes(new[]
    {
        "procedures.certified-copy.v1", f.CopyId.ToString("D"), f.DocumentId.ToString("D"), f.Sha256, f.OwnerIdNumber, f.Officer,
        f.Agency, f.CertifiedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), f.KeyId,
    });

    public string Sign(CopyFacts facts)
    {
        if (_current is null || facts.KeyId != KeyId) throw new InvalidOperationException("No signing key is configured for " + facts.KeyId);
        return Convert.ToBase64String(_current.SignData(Payload(facts), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    /// <summary>Whether <paramref name="signature"/> is a valid signature of <paramref name="facts"/> by the key it names.</summary>
    public bool Verify(CopyFacts facts, string signature)
    {
        if (!_verifiers.TryGetValue(facts.KeyId, out var key)) return false;
        var bytes = new byte[64];
        if (!Convert.TryFromBase64String(signature, bytes, out var written) || written != 64) return false;
        return key.VerifyData(Payload(facts), bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Postgres keeps microseconds: what is signed must be what is read back.</summary>
    public static DateTimeOffset Micro(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public void Dispose()
    {
        foreach (var key in _verifiers.Values.Distinct()) key.Dispose();
    }
}

public static class CertificationRegistration
{
    public static TBuilder AddCertifiedCopies<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var options = builder.Configuration.GetSection(CopySigningOptions.Section).Get<CopySigningOptions>() ?? new CopySigningOptions();
        builder.Services.AddSingleton(new CopySigner(options));
        return builder;
    }
}
