namespace Procedures.Intake.Documents;

/// <summary>
/// The file types a dossier document can have, named by media type. Accepted by default: PDF (the format of
/// digitised documents and of most electronic forms), JPEG and PNG (photos and phone scans) and TIFF (the
/// native output of document scanners, often multi-page). All four are binary formats with an unambiguous
/// signature at offset 0, so the content alone says what a file is. XML is left out on purpose: it has no
/// reliable signature (a BOM, whitespace and <c>&lt;?xml</c> are all optional), so sniffing cannot tell it from
/// HTML or SVG, which carry script; structured data belongs in the submission's JSON, not in an uploaded file.
/// </summary>
public static class DocumentTypes
{
    public const string Pdf = "application/pdf";
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string Tiff = "image/tiff";

    /// <summary>Every type the sniffer recognises; configuration may allow a subset.</summary>
    public static readonly IReadOnlyList<string> Known = [Pdf, Jpeg, Png, Tiff];

    private static readonly Dictionary<string, string[]> ExtensionsByType = new(StringComparer.Ordinal)
    {
        [Pdf] = [".pdf"],
        [Jpeg] = [".jpg", ".jpeg", ".jpe", ".jfif"],
        [Png] = [".png"],
        [Tiff] = [".tif", ".tiff"],
    };

    /// <summary>Names clients (and older browsers) use for the same types.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["application/x-pdf"] = Pdf,
        ["image/jpg"] = Jpeg,
        ["image/pjpeg"] = Jpeg,
        ["image/x-png"] = Png,
        ["image/x-tiff"] = Tiff,
    };

    /// <summary>File-name extensions (lowercase, with the dot) that fit <paramref name="mediaType"/>; the first is canonical.</summary>
    public static IReadOnlyList<string> Extensions(string mediaType)
        => ExtensionsByType.TryGetValue(mediaType, out var extensions) ? extensions : [];

    /// <summary>
    /// A declared media type (a Content-Type value) reduced to its canonical name: parameters dropped, lowercase,
    /// aliases resolved. Null when nothing is declared, which includes the "I don't know" of application/octet-stream.
    /// </summary>
    public static string? CanonicalDeclared(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return null;
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var type = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
        if (type.Length == 0 || type == "application/octet-stream") return null;
        return Aliases.GetValueOrDefault(type, type);
    }

    /// <summary>
    /// The extension a file name declares: the text after its last dot when that is 1–10 ASCII letters or digits
    /// with at least one letter (".pdf", ".v2"), lowercase with the dot. "scan_2025.11.29" declares none.
    /// </summary>
    public static string? DeclaredExtension(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName)) return null;
        var dot = fileName.LastIndexOf('.');
        if (dot < 0 || dot == fileName.Length - 1) return null;
        var ext = fileName.AsSpan(dot + 1);
        if (ext.Length > 10) return null;
        foreach (var c in ext) if (!char.IsAsciiLetterOrDigit(c)) return null;
        if (!ext.ContainsAny(AsciiLetters)) return null;
        return "." + ext.ToString().ToLowerInvariant();
    }

    private static readonly System.Buffers.SearchValues<char> AsciiLetters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
}
