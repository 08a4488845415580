using System.Text;
using Procedures.Intake.Documents;

namespace Procedures.Services.Tests.Documents;

[Trait("Kind", "Pure")]
public sealed class FileSnifferTests
{
    private static readonly IReadOnlyList<string> All = DocumentTypes.Known;

    private static SniffResult Check(byte[] content, string? declaredType = null, string? fileName = null, IReadOnlyList<string>? allowed = null)
        => FileSniffer.Check(content.AsSpan(0, Math.Min(content.Length, FileSniffer.HeaderLength)), declaredType, fileName, allowed ?? All);

    public static TheoryData<string, byte[], string, string, string> RealFiles() => new()
    {
        { "pdf", Samples.Pdf, DocumentTypes.Pdf, "application/pdf", "Giấy khai sinh.pdf" },
        { "png", Samples.Png, DocumentTypes.Png, "image/png", "anh-the.png" },
        { "jpeg (JFIF)", Samples.JpegJfif, DocumentTypes.Jpeg, "image/jpeg", "cccd-mat-truoc.jpg" },
        { "jpeg (Exif)", Samples.JpegExif, DocumentTypes.Jpeg, "image/jpeg", "IMG_2041.JPEG" },
        { "tiff (II)", Samples.TiffLittleEndian, DocumentTypes.Tiff, "image/tiff", "scan0001.tif" },
        { "tiff (MM)", Samples.TiffBigEndian, DocumentTypes.Tiff, "image/tiff", "scan0002.TIFF" },
    };

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void Real_file_headers_are_recognised_and_accepted_with_a_consistent_type_and_name(
        string why, byte[] content, string expected, string declared, string fileName)
    {
        Assert.Equal(expected, FileSniffer.Sniff(content));
        Assert.Equal(new SniffResult(SniffOutcome.Accepted, expected), Check(content, declared, fileName));
        Assert.True(Check(content).Accepted, why + " without any declaration");
    }

    public static TheoryData<string, byte[]> NotDocuments() => new()
    {
        { "exe", Samples.Exe },
        { "html", Samples.Html },
        { "zip", Samples.Zip },
        { "svg", Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>") },
        { "xml", Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><hoSo/>") },
        { "plain text", Encoding.UTF8.GetBytes("Đơn đề nghị cấp giấy phép") },
        { "gif", Encoding.ASCII.GetBytes("GIF89a\u0001\u0000\u0001\u0000") },
        { "pdf after a BOM (polyglot)", [0xEF, 0xBB, 0xBF, .. Samples.Pdf] },
        { "pdf after whitespace (polyglot)", [.. " \n"u8, .. Samples.Pdf] },
        { "pdf without a version", Encoding.ASCII.GetBytes("%PDF-<html>") },
        { "png signature without IHDR", Samples.Png[..8] },
        { "jpeg SOI alone", [0xFF, 0xD8] },
        { "bigtiff", [0x49, 0x49, 0x2B, 0x00, 0x08, 0x00, 0x00, 0x00] },
    };

    [Theory]
    [MemberData(nameof(NotDocuments))]
    public void Content_that_is_not_an_accepted_document_is_refused_even_when_named_and_declared_as_pdf(string why, byte[] content)
    {
        Assert.Null(FileSniffer.Sniff(content));
        Assert.Equal(new SniffResult(SniffOutcome.Unrecognised, null), Check(content, "application/pdf", "ho-so.pdf"));
        Assert.False(Check(content).Accepted, why);
    }

    [Fact]
    public void Empty_file_is_refused_as_empty()
        => Assert.Equal(new SniffResult(SniffOutcome.Empty, null), Check([], "application/pdf", "x.pdf"));

    [Theory]
    [InlineData("image/png")]
    [InlineData("text/html")]
    [InlineData("application/zip")]
    [InlineData("IMAGE/JPEG; charset=binary")]
    public void Declared_type_other_than_the_content_is_refused(string declared)
        => Assert.Equal(new SniffResult(SniffOutcome.DeclaredTypeMismatch, DocumentTypes.Pdf), Check(Samples.Pdf, declared, "x.pdf"));

    [Theory]
    [InlineData("x.png")]
    [InlineData("x.exe")]
    [InlineData("x.html")]
    [InlineData("x.pdf.exe")]
    [InlineData("report.v2")]
    public void File_name_extension_of_another_type_is_refused(string fileName)
        => Assert.Equal(new SniffResult(SniffOutcome.ExtensionMismatch, DocumentTypes.Pdf), Check(Samples.Pdf, "application/pdf", fileName));

    [Theory]
    [InlineData(null, null)]
    [InlineData("application/octet-stream", "scan")]               // browsers' "unknown type"; no extension
    [InlineData("", "scan_2025.11.29")]                           // digits after the dot are not an extension
    [InlineData("Application/PDF; name=x", "HO-SO.PDF")]           // case and parameters do not matter
    [InlineData("application/x-pdf", "x.pdf")]                    // an alias
    public void Missing_or_equivalent_declarations_are_accepted(string? declared, string? fileName)
        => Assert.True(Check(Samples.Pdf, declared, fileName).Accepted);

    [Theory]
    [InlineData("image/jpg")]
    [InlineData("image/pjpeg")]
    public void Jpeg_aliases_are_accepted(string declared)
        => Assert.True(Check(Samples.JpegJfif, declared, "anh.jfif").Accepted);

    [Fact]
    public void Recognised_type_that_configuration_does_not_allow_is_refused()
        => Assert.Equal(new SniffResult(SniffOutcome.NotAllowed, DocumentTypes.Tiff),
            Check(Samples.TiffLittleEndian, "image/tiff", "scan.tif", [DocumentTypes.Pdf, DocumentTypes.Jpeg, DocumentTypes.Png]));

    [Fact]
    public void Settings_naming_a_type_sniffing_cannot_recognise_are_refused()
    {
        Assert.Empty(new DocumentOptions().Problems());
        Assert.Equal(DocumentTypes.Known, new DocumentOptions().EffectiveAllowedTypes);
        Assert.Single(new DocumentOptions { AllowedTypes = ["application/pdf", "application/xml"] }.Problems());
        Assert.Single(new DocumentOptions { MaxBytes = 0 }.Problems());
        Assert.Single(new DocumentOptions { MaxBytes = DocumentOptions.CeilingBytes + 1 }.Problems());
    }
}
