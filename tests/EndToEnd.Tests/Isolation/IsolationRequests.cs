using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Procedures.EndToEnd.Tests.Fuzz;

namespace Procedures.EndToEnd.Tests.Isolation;

/// <summary>One operation's request aimed at agency A's data: path parameters, agency-naming query parameters and body members filled with A's.</summary>
public sealed record IsolationRequest(string Method, string PathAndQuery, byte[]? Body, string? ContentType, bool NamesAResource)
{
    public HttpRequestMessage ToMessage(string? token)
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), PathAndQuery);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null) message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        }
        // Creating POSTs take one; a fresh key per call, so no call is answered from another's stored answer.
        if (Method is "POST" or "PUT" or "PATCH") message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        if (token is not null) message.WithToken(token);
        return message;
    }

    /// <summary>Everything the request itself carries (a value echoed back from it is not a leak).</summary>
    public string Text => PathAndQuery + "\n" + (Body is null ? "" : Encoding.UTF8.GetString(Body));
}

/// <summary>Builds, for an operation of a served OpenAPI document, the request that names agency A's resources.</summary>
public sealed class IsolationRequests(AgencyData a)
{
    /// <summary>An identifier of the same kind as A's that names nothing (the reference for "answered like unknown").</summary>
    private static string UnknownCode(string code) => code[..^4] + "9999";

    private static readonly Guid UnknownId = Guid.Parse("0e0e0e0e-1111-4222-8333-444455556666");

    /// <summary>
    /// A's resource that a path parameter names, by the parameter's name and the path it is in; null when the parameter
    /// names no agency's resource (catalogue codes, years, event types), and none when nothing fits.
    /// </summary>
    private (string Value, bool AgencyOwned)? PathValue(string path, string name, bool unknown) => name switch
    {
        "code" when path.Contains("/procedures/", StringComparison.Ordinal) => (Submissions.ProcedureCode, false),
        "code" when path.Contains("/payments", StringComparison.Ordinal) => (unknown ? UnknownCode(a.PaymentDossierCode) : a.PaymentDossierCode, true),
        "code" => (unknown ? UnknownCode(a.DossierCode) : a.DossierCode, true),
        "id" when path.Contains("/documents/", StringComparison.Ordinal) => (Id(a.DocumentId, unknown), true),
        "id" when path.Contains("/webhooks/subscriptions/", StringComparison.Ordinal) => (Id(a.SubscriptionId, unknown), true),
        "id" when path.Contains("/feedback/", StringComparison.Ordinal) => (Id(a.FeedbackId, unknown), true),
        "id" when path.Contains("/receiving-units/", StringComparison.Ordinal) => (a.Agency, false),
        // The register of agencies is public reference data: A's own entry names no agency-owned resource.
        "id" when path.Contains("/agencies/", StringComparison.Ordinal) => (a.Agency, false),
        "action" => ("start-processing", false),
        "version" => ("1", false),
        "year" => ("2099", false),
        "type" => ("vn.hcm.procedures.dossier.submitted.v1", false),
        _ => null,
    };

    private static string Id(Guid id, bool unknown) => (unknown ? UnknownId : id).ToString();

    /// <summary>Query values and body members that name an agency or its resources are A's; others are sampled from the schema.</summary>
    private IReadOnlyList<string>? Hint(string name) => name switch
    {
        "agency" or "receivingUnit" or "decidingAgency" or "commune" or "agencies" => [a.Agency],
        "resource" or "dossierCode" => [a.DossierCode],
        "documentId" => [a.DocumentId.ToString()],
        "ownerIdNumber" or "citizenId" => [a.CitizenId],
        "idLast4" => [a.CitizenId[^4..]],
        "date" or "to" => [DateTime.UtcNow.ToString("yyyy-MM-dd")],
        "from" => [DateTime.UtcNow.AddDays(-27).ToString("yyyy-MM-dd")],
        "start" => ["2026-12-07T08:00:00+07:00"],
        "amount" => ["3"],
        "unit" => ["working-days"],
        "level" => ["satisfied"],
        "category" => ["procedure"],
        "limit" => ["100"],
        "officer" or "signedBy" => ["Trần Văn Bê"],
        "content" or "reason" => ["Cơ quan khác thử truy cập"],
        "url" => ["http://localhost:9/agency-b"],
        "procedureCode" => [Submissions.ProcedureCode],
        _ => null,
    };

    /// <summary>The request, or null when a path parameter cannot be filled (reported, not silently skipped).</summary>
    public IsolationRequest? For(FuzzEndpoint endpoint, bool unknown = false)
    {
        var random = new Random(RequestFactory.Mix(20, endpoint.Key, 0));
        var sampler = new SchemaSampler(endpoint.Document, Hint);
        var path = endpoint.Path;
        var namesA = false;
        foreach (var name in OpenApiCatalog.TemplateNames(endpoint.Path))
        {
            if (PathValue(endpoint.Path, name, unknown) is not { } value) return null;
            namesA |= value.AgencyOwned;
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(value.Value), StringComparison.Ordinal);
        }
        var query = new List<string>();
        foreach (var p in endpoint.In("query"))
        {
            // The rating and follow-up links' tokens are the applicant's: a valid one would let anyone act (by design).
            if (p.Name == "token") continue;
            if (p.Required || Hint(p.Name) is not null)
                query.Add($"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(sampler.SampleText(p, random))}");
        }
        if (query.Count > 0) path += "?" + string.Join('&', query);

        var (body, contentType) = Body(endpoint, sampler, random);
        return new IsolationRequest(endpoint.Method, path, body, contentType, namesA);
    }

    private (byte[]? Body, string? ContentType) Body(FuzzEndpoint endpoint, SchemaSampler sampler, Random random)
    {
        var media = endpoint.BodyMediaTypes;
        if (media.Count == 0) return (null, null);
        if (media.Any(m => m.StartsWith("multipart/", StringComparison.Ordinal)))
        {
            // The one multipart operation (a document upload): a small PDF of the caller's own.
            const string boundary = "isolation";
            var text = $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" +
                       "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n\r\n" +
                       $"--{boundary}\r\nContent-Disposition: form-data; name=\"digitised\"\r\n\r\ntrue\r\n--{boundary}--\r\n";
            return (Encoding.UTF8.GetBytes(text), $"multipart/form-data; boundary={boundary}");
        }
        if (!media.Any(m => m.Contains("json", StringComparison.Ordinal)))
        {
            // Raw bodies (a certified copy's bytes, a CSV import): A's document content where bytes are checked against it.
            return (Encoding.ASCII.GetBytes("%PDF-1.4\n"), media[0]);
        }
        var document = sampler.Sample(endpoint.BodySchema, random);
        // The shortest body that is valid and names A: the required members and every member that can name A, so a
        // refusal comes from the agency check rather than from an optional member sampled wrong.
        if (document is JObj obj && endpoint.BodySchema is { } schema
            && endpoint.Document.Resolve(schema) is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("properties", out var properties))
        {
            var required = s.TryGetProperty("required", out var names) ? names.EnumerateArray().Select(n => n.GetString()).ToHashSet() : [];
            obj.Members.RemoveAll(m => !required.Contains(m.Key) && Hint(m.Key) is null);
            foreach (var p in properties.EnumerateObject().Where(p => Hint(p.Name) is not null))
                obj.Set(p.Name, sampler.Sample(p.Value, random, p.Name));
        }
        return (JWriter.ToBytes(document), "application/json");
    }
}
