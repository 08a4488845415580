namespace Procedures.Intake.Documents;

/// <summary>Why a file was refused, or that it was accepted.</summary>
public enum SniffOutcome
{
    Accepted,
    /// <summary>The file has no content.</summary>
    Empty,
    /// <summary>The content starts with no signature we recognise (an EXE, HTML, ZIP, a text file…).</summary>
    Unrecognised,
    /// <summary>The content is a type we recognise but configuration does not allow.</summary>
    NotAllowed,
    /// <summary>The part's Content-Type names another type than the content is.</summary>
    DeclaredTypeMismatch,
    /// <summary>The file name's extension belongs to another type than the content is.</summary>
    ExtensionMismatch,
}

/// <summary>The verdict on one file: the media type its content is (when recognised) and whether it is accepted.</summary>
public sealed record SniffResult(SniffOutcome Outcome, string? MediaType)
{
    public bool Accepted => Outcome == SniffOutcome.Accepted;
}

/// <summary>
/// Decides what a file is from its first bytes (magic numbers), never from what the client says. The client's
/// Content-Type and file-name extension are only checked against that verdict: saying something else is refused,
/// saying nothing (or application/octet-stream, or a name without an extension) is fine.
/// Signatures are matched at offset 0 only: a PDF reader tolerates junk before "%PDF-", but that tolerance is
/// what makes HTML/PDF polyglots possible, and no honest scanner or browser writes it.
/// </summary>
public static class FileSniffer
{
    /// <summary>How many leading bytes the sniffer needs (the longest signature: PNG's, with its IHDR chunk header).</summary>
    public const int HeaderLength = 16;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A,
        0x00, 0x00, 0x00, 0x0D, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];

    /// <summary>The media type <paramref name="header"/> (the file's first bytes) is, or null when unrecognised.</summary>
    public static string? Sniff(ReadOnlySpan<byte> header)
    {
        // PDF 1.x and 2.0: "%PDF-" then the version, digit '.' digit.
        if (header.Length >= 8 && header.StartsWith("%PDF-"u8) && header[5] is (byte)'1' or (byte)'2'
            && header[6] == (byte)'.' && char.IsAsciiDigit((char)header[7]))
            return DocumentTypes.Pdf;
        // JPEG: start-of-image FF D8, then the first marker segment (FF, then a marker code C0–FE: APPn, DQT, DHT, COM…).
        if (header.Length >= 4 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF && header[3] is >= 0xC0 and <= 0xFE)
            return DocumentTypes.Jpeg;
        // PNG: the 8-byte signature, then the first chunk, which must be a 13-byte IHDR.
        if (header.StartsWith(PngSignature))
            return DocumentTypes.Png;
        // TIFF (classic, not BigTIFF): byte order "II" + 42 little-endian, or "MM" + 42 big-endian.
        if (header.StartsWith("II\x2A\x00"u8) || header.StartsWith("MM\x00\x2A"u8))
            return DocumentTypes.Tiff;
        return null;
    }

    /// <summary>
    /// The verdict on an upload: <paramref name="header"/> is its first bytes (up to <see cref="HeaderLength"/>; empty for
    /// an empty file), <paramref name="declaredContentType"/> the part's Content-Type, <paramref name="fileName"/> its
    /// display name (already cleaned by <see cref="FileNames.Display"/>), <paramref name="allowed"/> the configured types.
    /// </summary>
    public static SniffResult Check(ReadOnlySpan<byte> header, string? declaredContentType, string? fileName, IReadOnlyCollection<string> allowed)
    {
        if (header.IsEmpty) return new(SniffOutcome.Empty, null);
        var sniffed = Sniff(header);
        if (sniffed is null) return new(SniffOutcome.Unrecognised, null);
        if (!allowed.Contains(sniffed, StringComparer.Ordinal)) return new(SniffOutcome.NotAllowed, sniffed);
        if (DocumentTypes.CanonicalDeclared(declaredContentType) is { } declared && declared != sniffed)
            return new(SniffOutcome.DeclaredTypeMismatch, sniffed);
        if (DocumentTypes.DeclaredExtension(fileName) is { } extension && !DocumentTypes.Extensions(sniffed).Contains(extension))
            return new(SniffOutcome.ExtensionMismatch, sniffed);
        return new(SniffOutcome.Accepted, sniffed);
    }
}
