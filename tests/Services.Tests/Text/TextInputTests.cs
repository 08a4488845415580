using System.Text;
using Procedures.ServiceDefaults;

namespace Procedures.Services.Tests.Text;

/// <summary>
/// TextInput's rules: invisible format characters (Unicode category Cf) are refused with a problem naming the field;
/// Vietnamese in NFC passes unchanged and decomposed Vietnamese is normalised to it.
/// </summary>
[Trait("Kind", "Pure")]
public sealed class TextInputTests
{
    [Theory]
    [InlineData("\u202E", "right-to-left override")]
    [InlineData("\u202C", "pop directional formatting")]
    [InlineData("\u202A", "left-to-right embedding")]
    [InlineData("\u2066", "left-to-right isolate")]
    [InlineData("\u2069", "pop directional isolate")]
    [InlineData("\u200E", "left-to-right mark")]
    [InlineData("\u200F", "right-to-left mark")]
    [InlineData("\u200B", "zero-width space")]
    [InlineData("\u200C", "zero-width non-joiner")]
    [InlineData("\u200D", "zero-width joiner")]
    [InlineData("\u2060", "word joiner")]
    [InlineData("\uFEFF", "byte order mark")]
    [InlineData("\u00AD", "soft hyphen")]
    [InlineData("\U000E0041", "tag letter A (outside the BMP)")]
    public void Format_characters_are_refused_wherever_they_stand(string character, string what)
    {
        foreach (var text in new[] { "Nguyễn" + character + "Văn An", character + "Nguyễn", "Nguyễn" + character })
        {
            var errors = new List<FieldError>();
            Assert.Null(TextInput.Clean(text, "applicant.name", errors));
            var error = Assert.Single(errors);
            Assert.True(("applicant.name", "format-character") == (error.Field, error.Rule), what);
            Assert.Equal(TextInput.Problem.FormatCharacter, TextInput.Check(text, out _));
        }
    }

    [Fact]
    public void The_refusal_is_bilingual()
    {
        var errors = new List<FieldError>();
        TextInput.Clean("A\u202EB", "address", errors);
        var error = Assert.Single(errors);
        Assert.Contains(error.Vi, c => c > '\u007f');
        Assert.All(error.En, c => Assert.True(c <= '\u007f'));
    }

    [Theory]
    [InlineData("Nguyễn Thị Hồng Nhung")]
    [InlineData("Phường Sài Gòn, Thành phố Hồ Chí Minh")]
    [InlineData("Đặng Quốc Việt — số 12/3 đường Lê Lợi")]
    [InlineData("Bùi Ưng Ỷ Ỹ ữ ự ợ")]
    public void Vietnamese_in_NFC_passes_unchanged(string text)
    {
        Assert.True(text.IsNormalized(NormalizationForm.FormC));
        var errors = new List<FieldError>();
        Assert.Equal(text, TextInput.Clean(text, "applicant.name", errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void Decomposed_Vietnamese_is_normalised_to_NFC()
    {
        const string precomposed = "Nguyễn Thị Hồng Nhung";
        var decomposed = precomposed.Normalize(NormalizationForm.FormD);
        Assert.NotEqual(precomposed, decomposed);
        var errors = new List<FieldError>();
        Assert.Equal(precomposed, TextInput.Clean(decomposed, "applicant.name", errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void Control_characters_and_lone_surrogates_keep_their_own_rules()
    {
        Assert.Equal(TextInput.Problem.ControlCharacter, TextInput.Check("A\u0000B", out _));
        Assert.Equal(TextInput.Problem.InvalidUnicode, TextInput.Check("A\uD800B", out _));
        Assert.Equal(TextInput.Problem.None, TextInput.Check("Chúc mừng 🎉", out _)); // a plain emoji is not a format character
    }
}
