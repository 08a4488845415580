using System.Text;

namespace Procedures.Services.Tests.Documents;

/// <summary>Beginnings of real files of each type, and of files that must never pass as documents.</summary>
internal static class Samples
{
    /// <summary>A complete one-page PDF 1.7 (what a minimal writer produces).</summary>
    public static readonly byte[] Pdf = Encoding.ASCII.GetBytes(
        "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" +
        "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n" +
        "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n" +
        "trailer\n<< /Root 1 0 R >>\n%%EOF\n");

    /// <summary>A 1×1 PNG.</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>A JFIF JPEG's start (SOI, APP0 "JFIF" segment) and end.</summary>
    public static readonly byte[] JpegJfif =
    [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
        0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
    ];

    /// <summary>A camera/phone JPEG's start (SOI, APP1 "Exif" segment).</summary>
    public static readonly byte[] JpegExif =
    [
        0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x16, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0x00, 0x00, (byte)'M', (byte)'M', 0x00, 0x2A,
        0x00, 0x00, 0x00, 0x08, 0xFF, 0xD9,
    ];

    /// <summary>Scanner TIFFs, little- and big-endian.</summary>
    public static readonly byte[] TiffLittleEndian = [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00];
    public static readonly byte[] TiffBigEndian = [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00];

    /// <summary>A Windows executable's DOS header.</summary>
    public static readonly byte[] Exe =
    [
        (byte)'M', (byte)'Z', 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00,
        0xB8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00,
    ];

    public static readonly byte[] Html = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>");

    /// <summary>A ZIP local file header (also the start of every DOCX, XLSX, ODT, JAR, APK).</summary>
    public static readonly byte[] Zip =
    [
        (byte)'P', (byte)'K', 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    ];

    public static byte[] Random(int length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
