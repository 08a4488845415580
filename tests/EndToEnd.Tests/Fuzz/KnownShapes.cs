namespace Procedures.EndToEnd.Tests.Fuzz;

/// <summary>
/// Request bodies that an OpenAPI document does not describe (the handler reads the form itself, or binds an
/// untyped <c>JsonObject</c>, or the handler parses multipart itself). Used only when the document gives no schema with properties, so a documented
/// schema always wins; an endpoint missing here still gets fuzzed, from an empty object.
/// </summary>
public static class KnownShapes
{
    public enum Encoding { Json, Form, Multipart }

    public static (JObj Shape, Encoding Encoding)? For(string method, string path) => (method, path) switch
    {
        // RFC 6749 §4.4 client-credentials grant, form-encoded.
        ("POST", "/connect/token") => (new JObj()
            .Add("grant_type", J.Str("client_credentials"))
            .Add("client_id", J.Str("dev-admin"))
            .Add("client_secret", J.Str("dev-admin-secret"))
            .Add("scope", J.Str("audit")), Encoding.Form),
        // The national portal's HoSoDongBoDVC record (create/update) with a history row (history).
        ("POST", "/portal/dossiers/create" or "/portal/dossiers/update") => (new JObj()
            .Add("MaHoSo", J.Str("FUZZ.H29-250131-0001"))
            .Add("MaTTHC", J.Str("1.000948"))
            .Add("NgayNopHoSo", J.Str("20250131080000"))
            .Add("TrangThaiHoSo", J.Number(1))
            .Add("KenhThucHien", J.Number(1))
            .Add("QuaTrinhXuLy", new JArr().Add(new JObj().Add("TrangThai", J.Number(1)).Add("NgayXuLy", J.Str("20250131080000")))),
            Encoding.Json),
        // Document upload (multipart/form-data): a part "file" (a minimal PDF), "digitised", optional "componentCode".
        ("POST", "/api/v1/documents") => (new JObj()
            .Add("file", J.Str("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
            .Add("digitised", J.Str("true"))
            .Add("componentCode", J.Str("TP1")), Encoding.Multipart),
        _ => null,
    };
}
