using Microsoft.Extensions.Options;
using Procedures.Processing.Feedback;

namespace Procedures.Processing.Ratings;

/// <summary>A signed link sent with a result, and the page that answers it.</summary>
public sealed record RatingLink(string Url, string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// The links by which an applicant rates a returned dossier without an account: valid for the configured lifetime
/// from the moment the result was returned, so the same return always gives the same link.
/// </summary>
public sealed class RatingLinks(IOptions<FeedbackSettings> settings)
{
    public const string DossierPurpose = "dossier-rating";
    public const string FeedbackPurpose = "feedback";

    private RatingSettings Rating => settings.Value.Rating;

    public bool Enabled => Rating.Key is not null;

    public RatingLink? ForDossier(string code, DateTimeOffset returnedAt)
    {
        if (Rating.Key is not { } key) return null;
        var expires = returnedAt.ToUniversalTime() + Rating.LinkLifetime;
        var token = SignedToken.Create(key, DossierPurpose, code, expires);
        return new RatingLink($"{Prefix}/api/v1/public/dossiers/{Uri.EscapeDataString(code)}/rating?token={token}", token, expires);
    }

    /// <summary>The token an applicant who filed without an account keeps to read and rate the answer.</summary>
    public RatingLink? ForFeedback(Guid id, DateTimeOffset filedAt, TimeSpan lifetime)
    {
        if (Rating.Key is not { } key) return null;
        var expires = filedAt.ToUniversalTime() + lifetime;
        var token = SignedToken.Create(key, FeedbackPurpose, id.ToString("D"), expires);
        return new RatingLink($"{Prefix}/api/v1/public/feedback/{id:D}/rating?token={token}", token, expires);
    }

    public TokenCheck Check(string purpose, string subject, string? token, DateTimeOffset now)
        => Rating.Key is { } key ? SignedToken.Verify(key, purpose, subject, token, now) : TokenCheck.Invalid;

    private string Prefix => Rating.PublicBaseUrl?.TrimEnd('/') ?? "";
}
