using System.Text;
using Procedures.Processing.Feedback;

namespace Procedures.Services.Tests.Feedback;

/// <summary>The rating links' tokens, pure: valid for one subject and purpose until they expire; any change breaks them.</summary>
[Trait("Kind", "Pure")]
public sealed class SignedTokenTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("unit-test-key-0123456789abcdefghijklmnop");
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T10:00:00+07:00");
    private static readonly string Token = SignedToken.Create(Key, "dossier-rating", "26740.H29-261201-0001", Now.AddDays(30));

    [Fact]
    public void A_token_is_valid_for_its_subject_and_purpose_until_its_expiry()
    {
        Assert.Equal(TokenCheck.Valid, SignedToken.Verify(Key, "dossier-rating", "26740.H29-261201-0001", Token, Now));
        Assert.Equal(TokenCheck.Valid, SignedToken.Verify(Key, "dossier-rating", "26740.H29-261201-0001", Token, Now.AddDays(30)));
        Assert.Equal(TokenCheck.Expired, SignedToken.Verify(Key, "dossier-rating", "26740.H29-261201-0001", Token, Now.AddDays(30).AddSeconds(1)));
    }

    [Fact]
    public void Another_subject_purpose_key_or_any_altered_character_is_invalid()
    {
        Assert.Equal(TokenCheck.Invalid, SignedToken.Verify(Key, "dossier-rating", "26740.H29-261201-0002", Token, Now));
        Assert.Equal(TokenCheck.Invalid, SignedToken.Verify(Key, "feedback", "26740.H29-261201-0001", Token, Now));
        Assert.Equal(TokenCheck.Invalid, SignedToken.Verify(Encoding.UTF8.GetBytes("another-key-0123456789abcdefghijklmnopqr"),
            "dossier-rating", "26740.H29-261201-0001", Token, Now));
        for (var i = 0; i < Token.Length; i++)
        {
            var altered = Token[..i] + (Token[i] == 'A' ? 'B' : 'A') + Token[(i + 1)..];
            Assert.Equal(TokenCheck.Invalid, SignedToken.Verify(Key, "dossier-rating", "26740.H29-261201-0001", altered, Now));
        }
        // A later expiry written over the signed one is refused as altered, not accepted as valid.
        var extended = (long.Parse(Token.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture) + 86400) + "." + Token.Split('.')[1];
        Assert.Equal(TokenCheck.Invalid, SignedToken.Verify(Key, "dossier-rating", "26740.H29-261201-0001", extended, Now.AddDays(31)));
        Assert.Equal(TokenCheck.Invalid, SignedToken.Verify(Key, "dossier-rating", "26740.H29-261201-0001", null, Now));
        Assert.Equal(TokenCheck.Invalid, SignedToken.Verify(Key, "dossier-rating", "26740.H29-261201-0001", "abc", Now));
    }

    [Fact]
    public void Rating_input_requires_a_configured_level_and_reasons_when_dissatisfied()
    {
        var settings = new RatingSettings();
        var errors = new List<Procedures.ServiceDefaults.FieldError>();
        Assert.Null(RatingInput.Validate(new RatingRequest("dissatisfied", null), settings, errors));
        Assert.Contains(errors, e => e is { Field: "reasons", Rule: "required-when-dissatisfied" });
        errors.Clear();
        Assert.Null(RatingInput.Validate(new RatingRequest("meh", null), settings, errors));
        Assert.Contains(errors, e => e is { Field: "level", Rule: "one-of" });
        errors.Clear();
        Assert.Null(RatingInput.Validate(new RatingRequest("dissatisfied", ["rude"]), settings, errors));
        Assert.Contains(errors, e => e is { Field: "reasons[0]", Rule: "one-of" });
        errors.Clear();
        var ok = RatingInput.Validate(new RatingRequest("dissatisfied", ["late", "late", "guidance"]), settings, errors)!;
        Assert.False(ok.Level.Satisfied);
        Assert.Equal(["late", "guidance"], ok.Reasons);
        Assert.True(RatingInput.Validate(new RatingRequest("very-satisfied", null), settings, errors)!.Level.Satisfied);
        Assert.Empty(errors);
    }
}
