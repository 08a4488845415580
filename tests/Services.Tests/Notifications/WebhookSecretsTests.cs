using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Procedures.Notifications.Webhooks;

namespace Procedures.Services.Tests.Notifications;

[Trait("Kind", "Pure")]
public sealed class WebhookSecretsTests
{
    private static WebhookSecrets Box(string key = "test-webhook-secret-key-0123456789abcdef") => new(Options.Create(new WebhookOptions { SecretKey = key }));

    [Fact]
    public void A_sealed_secret_opens_to_itself_and_shows_nothing_of_it()
    {
        var secret = WebhookSender.NewSecret();
        var first = Box().Seal(secret);
        var second = Box().Seal(secret);

        Assert.StartsWith("sealed:v1:", first, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[6..], first, StringComparison.Ordinal);
        Assert.NotEqual(first, second); // a fresh nonce each time
        Assert.Equal(secret, Box().Open(first));
        Assert.Equal(secret, Box().Open(second));
    }

    [Fact]
    public void An_altered_value_or_another_key_does_not_open_and_a_secret_stored_before_sealing_is_used_as_it_is()
    {
        var sealedSecret = Box().Seal("whsec_abc");
        var bytes = Convert.FromBase64String(sealedSecret["sealed:v1:".Length..]);
        bytes[^1] ^= 1;

        Assert.ThrowsAny<CryptographicException>(() => Box().Open("sealed:v1:" + Convert.ToBase64String(bytes)));
        Assert.ThrowsAny<CryptographicException>(() => Box("another-key-of-thirty-two-characters!!").Open(sealedSecret));
        Assert.Equal("whsec_legacy", Box().Open("whsec_legacy"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("short")]
    public void Without_a_key_of_32_characters_the_service_does_not_start(string? key)
        => Assert.Throws<InvalidOperationException>(() => Box(key!));
}
