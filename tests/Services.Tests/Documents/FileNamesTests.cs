using System.Text;
using Procedures.Intake.Documents;

namespace Procedures.Services.Tests.Documents;

[Trait("Kind", "Pure")]
public sealed class FileNamesTests
{
    [Theory]
    [InlineData(@"..\..\x.pdf", "x.pdf")]
    [InlineData("../../../etc/passwd", "passwd")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData(@"C:\Users\an\Desktop\ho so.pdf", "ho so.pdf")]
    [InlineData(@"\\server\share\x.pdf", "x.pdf")]
    [InlineData("a/b\\c/../d.pdf", "d.pdf")]
    [InlineData("C:x.pdf", "C_x.pdf")]
    [InlineData("x.pdf/", null)]
    [InlineData("..", null)]
    [InlineData(".", null)]
    [InlineData("../..", null)]
    [InlineData("...pdf", "pdf")]
    [InlineData(".htaccess", "htaccess")]
    public void Paths_and_traversal_are_reduced_to_the_last_name(string raw, string? expected)
        => Assert.Equal(expected, FileNames.Display(raw));

    [Theory]
    [InlineData("x\0.pdf", "x.pdf")]
    [InlineData("x.pdf\0.exe", "x.pdf.exe")]
    [InlineData("a\r\nContent-Type: text/html\r\n.pdf", "html.pdf")]   // line breaks removed, then the '/' cuts
    [InlineData("tab\there.pdf", "tabhere.pdf")]
    [InlineData("bell\u0007\u001b[31m.pdf", "bell[31m.pdf")]
    [InlineData("c1\u0085\u009b.pdf", "c1.pdf")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]           // right-to-left override that would show "exe.pdf"
    [InlineData("zero\u200Bwidth\uFEFF.pdf", "zerowidth.pdf")]
    [InlineData("line\u2028sep.pdf", "linesep.pdf")]
    [InlineData("nbsp\u00A0space.pdf", "nbsp space.pdf")]
    [InlineData("\0\u0001\u0002", null)]
    [InlineData("  x.pdf . ", "x.pdf")]
    [InlineData("a<b>c|d?e*\"f\".pdf", "a_b_c_d_e__f_.pdf")]
    [InlineData("CON.pdf", "_CON.pdf")]
    [InlineData("nul", "_nul")]
    [InlineData("console.pdf", "console.pdf")]
    public void Control_format_and_reserved_characters_are_neutralised(string raw, string? expected)
        => Assert.Equal(expected, FileNames.Display(raw));

    [Fact]
    public void Lone_surrogates_are_removed()
        => Assert.Equal("lonesurrogate.pdf", FileNames.Display("lone\uD800surrogate\uDC00.pdf"));

    [Fact]
    public void Vietnamese_names_are_kept_in_NFC()
    {
        var decomposed = "Giấy khai sinh Nguyễn Văn Đức.pdf".Normalize(NormalizationForm.FormD);

        var name = FileNames.Display(decomposed);

        Assert.Equal("Giấy khai sinh Nguyễn Văn Đức.pdf".Normalize(NormalizationForm.FormC), name);
        Assert.True(name!.IsNormalized(NormalizationForm.FormC));
    }

    [Fact]
    public void Long_name_is_cut_to_255_characters_keeping_its_extension_and_whole_characters()
    {
        // 300 × "ễ" written decomposed: each is one text element of several code units before NFC.
        var raw = string.Concat(Enumerable.Repeat("ễ", 300)).Normalize(NormalizationForm.FormD) + ".pdf";

        var name = FileNames.Display(raw)!;

        Assert.Equal(255, name.Length);
        Assert.EndsWith(".pdf", name, StringComparison.Ordinal);
        Assert.Equal(new string('ễ', 251), name[..^4]);
    }

    [Fact]
    public void Long_name_whose_tail_is_a_surrogate_pair_is_not_cut_inside_it()
    {
        var raw = new string('a', 254) + "😀😀";

        var name = FileNames.Display(raw)!;

        Assert.Equal(new string('a', 254), name);
    }

    [Fact]
    public void Null_and_empty_names_give_no_name()
    {
        Assert.Null(FileNames.Display(null));
        Assert.Null(FileNames.Display(""));
        Assert.Null(FileNames.Display("   "));
    }

    [Fact]
    public void Content_disposition_is_an_attachment_with_an_ascii_fallback_and_the_exact_utf8_name()
    {
        var id = Guid.Parse("0196f2a4-0000-7000-8000-000000000001");

        var header = FileNames.ContentDisposition("Giấy khai sinh Đặng \"Bé\" 100%.pdf", DocumentTypes.Pdf, id);

        Assert.Equal("attachment; filename=\"Giay khai sinh Dang _Be_ 100_.pdf\"; " +
                     "filename*=UTF-8''Gi%E1%BA%A5y%20khai%20sinh%20%C4%90%E1%BA%B7ng%20%22B%C3%A9%22%20100%25.pdf", header);
        var value = Microsoft.Net.Http.Headers.ContentDispositionHeaderValue.Parse(header);
        Assert.Equal("Giấy khai sinh Đặng \"Bé\" 100%.pdf", value.FileNameStar.Value);
        Assert.True(value.DispositionType.Equals("attachment", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("scan", DocumentTypes.Pdf, "scan.pdf")]
    [InlineData("scan_2025.11.29", DocumentTypes.Png, "scan_2025.11.29.png")]
    [InlineData("anh.JPEG", DocumentTypes.Jpeg, "anh.JPEG")]
    [InlineData(null, DocumentTypes.Tiff, "document-0196f2a4000070008000000000000001.tif")]
    public void Served_name_always_ends_with_an_extension_of_the_content_type(string? displayName, string mediaType, string expected)
    {
        var header = FileNames.ContentDisposition(displayName, mediaType, Guid.Parse("0196f2a4-0000-7000-8000-000000000001"));

        Assert.Equal(expected, Microsoft.Net.Http.Headers.ContentDispositionHeaderValue.Parse(header).FileNameStar.Value);
    }
}
