namespace Procedures.Sandbox.Payment;

/// <summary>The sandbox platform's partner (the city) and where it calls back; section "PaymentPlatform".</summary>
public sealed class PlatformSettings
{
    public const string Section = "PaymentPlatform";

    public string PartnerCode { get; set; } = "";
    public string Secret { get; set; } = "";

    /// <summary>The partner's public callback endpoint (Payment's /api/v1/payments/callback).</summary>
    public string CallbackUrl { get; set; } = "";

    /// <summary>A created transaction can be paid until this long after its ThoiGianGD; then it is failed (expired).</summary>
    public TimeSpan TransactionLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
