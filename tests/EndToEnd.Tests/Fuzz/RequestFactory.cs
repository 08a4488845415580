using System.Text;
using System.Text.RegularExpressions;

namespace Procedures.EndToEnd.Tests.Fuzz;

/// <summary>
/// Generates hostile requests. Request <c>i</c> of a target depends only on (seed, target key, i), never on the order
/// requests are sent in or on the other targets, so one failing request can be regenerated from the report alone.
/// </summary>
public sealed partial class RequestFactory(
    int seed,
    IReadOnlyList<AuthChoice> auth,
    Func<string, IReadOnlyList<string>?> hints,
    Func<FuzzEndpoint, IReadOnlyCollection<string>> declaredMethodsOfPath)
{
    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    /// <summary>Kestrel refuses request lines over 8 KB itself (414, before any middleware); stay under it.</summary>
    private const int MaxPathAndQuery = 7600;

    private readonly int _authWeight = auth.Sum(a => a.Weight);

    public FuzzRequest Create(FuzzEndpoint endpoint, int index)
    {
        var r = new Random(Mix(seed, endpoint.Key, index));
        var notes = new List<string>();

        var method = endpoint.Method;
        if (r.NextDouble() < 0.03)
        {
            var others = AllMethods.Except(declaredMethodsOfPath(endpoint)).ToList();
            if (others.Count > 0)
            {
                method = r.Pick(others);
                notes.Add("wrong-method");
            }
        }

        var sampler = new SchemaSampler(endpoint.Document, hints);
        var path = BuildPath(endpoint, sampler, r, notes);
        var query = BuildQuery(endpoint, sampler, r, notes);
        var pathAndQuery = path + (query.Length > 0 ? "?" + query : "");
        if (pathAndQuery.Length > MaxPathAndQuery) pathAndQuery = CutUrl(pathAndQuery);

        var headers = ExtraHeaders(r, notes);
        if (method is "POST" or "PUT" or "PATCH") IdempotencyKey(endpoint, index, r, notes, headers);
        byte[]? body = null;
        string? contentType = null;
        if (method is "POST" or "PUT" or "PATCH" || endpoint.BodySchema is not null)
            (body, contentType) = BuildBody(endpoint, sampler, r, notes, headers);
        else if (r.NextDouble() < 0.04)
            (body, contentType) = StrayBody(r, notes);

        var who = PickAuth(r);
        return new FuzzRequest(index, endpoint.Key, endpoint.Service, method, pathAndQuery, body, contentType, headers,
            who.Label, who.Authorization, notes.Count == 0 ? "none" : string.Join(' ', notes));
    }

    /// <summary>A request to a route no service declares (404/405 must still be problem details).</summary>
    public FuzzRequest CreateUnknownRoute(string service, int index)
    {
        var r = new Random(Mix(seed, service + " unknown-route", index));
        var notes = new List<string>();
        string[] paths =
        [
            "/api/v1/does-not-exist", "/api/v2/dossiers", "/api/v1/dossiers/x/y/z", "/.env", "/admin", "/api/v1/audit/verify/extra",
            "/openapi/v2.json", "/api/v1/kpi/..%2F..%2Fetc%2Fpasswd", "/api/v1/" + Hostile.PercentEncode(r.Pick(Hostile.Strings).Value),
            "/" + r.Pick(Hostile.RawPathSegments).Raw, "/api/v1/" + r.Pick(Hostile.RawPathSegments).Raw + "/x", "/api//v1///dossiers",
            "/API/V1/DOSSIERS/%00", "/sandbox/nothing", "/portal/elsewhere",
        ];
        var path = r.Pick(paths);
        if (path.Length > MaxPathAndQuery) path = CutUrl(path);
        var method = r.Pick(AllMethods);
        notes.Add("unknown-route");
        var (body, contentType) = method is "GET" or "DELETE" ? (null, null) : StrayBody(r, notes);
        var who = PickAuth(r);
        return new FuzzRequest(index, $"{service} (unknown routes)", service, method, path, body, contentType, ExtraHeaders(r, notes),
            who.Label, who.Authorization, string.Join(' ', notes));
    }

    // ---- path and query -------------------------------------------------------------------------------------

    /// <summary>Shortens a URL to the limit without leaving half a percent-escape at the end.</summary>
    private static string CutUrl(string url)
    {
        var cut = url[..MaxPathAndQuery];
        var escape = cut.LastIndexOf('%');
        return escape >= 0 && escape > cut.Length - 3 ? cut[..escape] : cut;
    }

    private static string BuildPath(FuzzEndpoint endpoint, SchemaSampler sampler, Random r, List<string> notes)
    {
        var path = TemplateSlot().Replace(endpoint.Path, match =>
        {
            var name = OpenApiCatalog.TemplateNames(match.Value).FirstOrDefault() ?? "";
            var parameter = endpoint.Parameters.FirstOrDefault(p => p.In == "path" && p.Name == name) ?? new FuzzParameter(name, "path", true, null);
            var roll = r.NextDouble();
            if (roll < 0.25) return Hostile.PercentEncode(sampler.SampleText(parameter, r));
            if (roll < 0.75)
            {
                var (label, value) = r.Pick(Hostile.Strings);
                notes.Add($"path:{name}={label}");
                return Hostile.PercentEncode(value);
            }
            var (rawLabel, raw) = r.Pick(Hostile.RawPathSegments);
            notes.Add($"path:{name}=raw:{rawLabel}");
            return raw;
        });
        if (!endpoint.Path.Contains('{') && r.NextDouble() < 0.03)
        {
            var (label, raw) = r.Pick(Hostile.RawPathSegments);
            notes.Add($"path-suffix={label}");
            path = path.TrimEnd('/') + "/" + raw;
        }
        return path;
    }

    private static string BuildQuery(FuzzEndpoint endpoint, SchemaSampler sampler, Random r, List<string> notes)
    {
        var pairs = new List<string>();
        foreach (var p in endpoint.In("query"))
        {
            var roll = r.NextDouble();
            if (roll < 0.35) continue;
            var key = Hostile.PercentEncode(p.Name);
            if (roll < 0.6)
            {
                pairs.Add($"{key}={Hostile.PercentEncode(sampler.SampleText(p, r))}");
                continue;
            }
            pairs.Add($"{key}={HostileQueryValue(r, notes, p.Name)}");
            if (r.NextDouble() < 0.1)
            {
                pairs.Add($"{key}={HostileQueryValue(r, notes, p.Name)}");
                notes.Add($"query:{p.Name}=duplicated");
            }
        }
        if (r.NextDouble() < (endpoint.In("query").Any() ? 0.08 : 0.15))
        {
            var (label, name) = r.Pick(Hostile.Strings);
            pairs.Add($"{Hostile.PercentEncode(name.Length > 64 ? name[..64] : name)}={HostileQueryValue(r, notes, "unknown")}");
            notes.Add($"query:unknown-name={label}");
        }
        return string.Join('&', pairs);
    }

    private static string HostileQueryValue(Random r, List<string> notes, string name)
    {
        var roll = r.NextDouble();
        if (roll < 0.7)
        {
            var (label, value) = r.Pick(Hostile.Strings);
            notes.Add($"query:{name}={label}");
            return Hostile.PercentEncode(value);
        }
        if (roll < 0.85)
        {
            var (label, token) = r.Pick(Hostile.Numbers);
            notes.Add($"query:{name}={label}");
            return Hostile.PercentEncode(token);
        }
        var (rawLabel, raw) = r.Pick(Hostile.RawPathSegments);
        notes.Add($"query:{name}=raw:{rawLabel}");
        return raw.Replace("&", "%26", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
    }

    // ---- bodies ---------------------------------------------------------------------------------------------

    private enum BodyMutation
    {
        FieldHostileString, FieldWrongType, FieldHugeNumber, FieldInvalidToken, FieldInvalidEscape, FieldInvalidUtf8, Field100K,
        FieldDeepNesting, MissingField, UnknownField, DuplicateKey, CaseVariantDuplicateKey, NullEverywhere, SeveralFields, ValidControl,
        BodyNull, ArrayInsteadOfObject, ScalarBody, EmptyBody, Truncated, DeepNesting1000, TrailingGarbage, TwoDocuments, Comments,
        TrailingComma, SingleQuotes, ByteOrderMark, Field2M, Whitespace2M, RandomBytes,
        TextPlain, FormEncoded, Multipart, MultipartBroken, NoContentType, Xml, Utf16, BogusCharset, Form1500Fields, GzipClaimed, JsonForForm,
    }

    private static readonly (BodyMutation Kind, double Weight)[] BodyMutations =
    [
        (BodyMutation.FieldHostileString, 14), (BodyMutation.FieldWrongType, 10), (BodyMutation.FieldHugeNumber, 8),
        (BodyMutation.FieldInvalidToken, 4), (BodyMutation.FieldInvalidEscape, 5), (BodyMutation.FieldInvalidUtf8, 5),
        (BodyMutation.Field100K, 4), (BodyMutation.FieldDeepNesting, 3), (BodyMutation.MissingField, 6), (BodyMutation.UnknownField, 5),
        (BodyMutation.DuplicateKey, 5), (BodyMutation.CaseVariantDuplicateKey, 3), (BodyMutation.NullEverywhere, 3),
        (BodyMutation.SeveralFields, 6), (BodyMutation.ValidControl, 1.5),
        (BodyMutation.BodyNull, 2), (BodyMutation.ArrayInsteadOfObject, 2), (BodyMutation.ScalarBody, 2), (BodyMutation.EmptyBody, 3),
        (BodyMutation.Truncated, 4), (BodyMutation.DeepNesting1000, 3), (BodyMutation.TrailingGarbage, 2), (BodyMutation.TwoDocuments, 1),
        (BodyMutation.Comments, 1), (BodyMutation.TrailingComma, 1), (BodyMutation.SingleQuotes, 1), (BodyMutation.ByteOrderMark, 1),
        (BodyMutation.Field2M, 0.8), (BodyMutation.Whitespace2M, 0.4), (BodyMutation.RandomBytes, 2),
        (BodyMutation.TextPlain, 2), (BodyMutation.FormEncoded, 2), (BodyMutation.Multipart, 2), (BodyMutation.MultipartBroken, 2),
        (BodyMutation.NoContentType, 2), (BodyMutation.Xml, 1), (BodyMutation.Utf16, 1), (BodyMutation.BogusCharset, 1),
        (BodyMutation.Form1500Fields, 1), (BodyMutation.GzipClaimed, 1), (BodyMutation.JsonForForm, 1),
    ];

    private static (byte[]? Body, string? ContentType) BuildBody(
        FuzzEndpoint endpoint, SchemaSampler sampler, Random r, List<string> notes, List<KeyValuePair<string, string>> headers)
    {
        var known = KnownShapes.For(endpoint.Method, endpoint.Path);
        J document = endpoint.BodySchema is null ? new JObj() : sampler.Sample(endpoint.BodySchema, r);
        var json = endpoint.BodyMediaTypes.Count == 0 || endpoint.BodyMediaTypes.Any(m => m.Contains("json", StringComparison.OrdinalIgnoreCase));
        var multipart = !json && endpoint.BodyMediaTypes.Any(m => m.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase));
        var form = !json && !multipart;
        if (known is { } k && (document is not JObj { Members.Count: > 0 } || endpoint.BodySchema is null))
        {
            document = Rebuild(k.Shape);
            json = k.Encoding == KnownShapes.Encoding.Json;
            form = k.Encoding == KnownShapes.Encoding.Form;
            multipart = k.Encoding == KnownShapes.Encoding.Multipart;
        }
        var primaryType = form ? "application/x-www-form-urlencoded" : multipart ? "multipart/form-data; boundary=fuzzboundary" : "application/json";
        byte[] Primary(J doc) => doc is JObj o && (form || multipart)
            ? (form ? Encoding.UTF8.GetBytes(FormText(o)) : Multipart(o, "fuzzboundary", broken: false))
            : JWriter.ToBytes(doc);

        var mutation = PickWeighted(r, BodyMutations);
        // Field mutations need a field: without one (no documented properties) they add an unknown one.
        var fieldMutation = mutation <= BodyMutation.SeveralFields || mutation == BodyMutation.Field2M;
        if (fieldMutation && document is not JObj { Members.Count: > 0 })
        {
            mutation = BodyMutation.UnknownField;
            if (document is not JObj) document = new JObj();
        }
        notes.Add("body:" + Kebab(mutation.ToString()));
        var obj = document as JObj ?? new JObj();

        // A field anywhere in the document: top-level or inside a nested object (such as the applicant).
        (JObj Owner, string Key) Field()
        {
            var owners = Objects(obj).Where(o => o.Members.Count > 0).ToList();
            var owner = owners.Count == 0 ? obj : r.Pick(owners);
            return (owner, owner.Members.Count == 0 ? "field" : owner.Members[r.Next(owner.Members.Count)].Key);
        }
        void Replace((JObj Owner, string Key) field, J value, string label)
        {
            field.Owner.Set(field.Key, value);
            notes.Add($"{field.Key}={label}");
        }

        switch (mutation)
        {
            case BodyMutation.FieldHostileString: { var (l, v) = r.Pick(Hostile.Strings); Replace(Field(), J.Str(v), l); break; }
            case BodyMutation.FieldWrongType: { var (l, t) = r.Pick(Hostile.OtherTypes); Replace(Field(), J.Raw(t), l); break; }
            case BodyMutation.FieldHugeNumber: { var (l, t) = r.Pick(Hostile.Numbers); Replace(Field(), J.Raw(t), l); break; }
            case BodyMutation.FieldInvalidToken: { var (l, t) = r.Pick(Hostile.InvalidTokens); Replace(Field(), J.Raw(t), l); break; }
            case BodyMutation.FieldInvalidEscape: { var (l, t) = r.Pick(Hostile.InvalidEscapes); Replace(Field(), J.Raw(t), l); break; }
            case BodyMutation.FieldInvalidUtf8: { var (l, b) = r.Pick(Hostile.InvalidUtf8Strings); Replace(Field(), J.Raw(b), l); break; }
            case BodyMutation.Field100K: Replace(Field(), J.Str(Hostile.Long100K), "100KB"); break;
            case BodyMutation.Field2M: Replace(Field(), J.Str(Hostile.Long2M), "2MB"); break;
            case BodyMutation.FieldDeepNesting: Replace(Field(), J.Raw(Hostile.Nested(r.Next(33, 1001), r.Next(2) == 0)), "deep"); break;
            case BodyMutation.MissingField:
            {
                var (owner, name) = Field();
                owner.Members.RemoveAll(m => m.Key == name);
                notes.Add("-" + name);
                break;
            }
            case BodyMutation.UnknownField:
            {
                var (l, v) = r.Pick(Hostile.Strings);
                var name = r.Next(3) switch { 0 => "status", 1 => "__proto__", _ => v.Length is > 0 and < 100 ? v : "unknownField" };
                var owner = r.Pick(Objects(obj).ToList());
                owner.Add(name, r.Next(2) == 0 ? J.Str(v) : J.Raw(r.Pick(Hostile.OtherTypes).Token));
                notes.Add($"+{Preview.Of(name, 24)}({l})");
                break;
            }
            case BodyMutation.DuplicateKey:
            {
                var (owner, name) = Field();
                owner.Members.Insert(0, new(name, r.Next(2) == 0 ? J.Str(r.Pick(Hostile.Strings).Value) : J.Raw(r.Pick(Hostile.Numbers).Token)));
                notes.Add("dup:" + name);
                break;
            }
            case BodyMutation.CaseVariantDuplicateKey:
            {
                var (owner, name) = Field();
                var variant = name.ToUpperInvariant() == name ? name.ToLowerInvariant() : name.ToUpperInvariant();
                owner.Add(variant, owner.Members.First(m => m.Key == name).Value);
                notes.Add("dup-case:" + variant);
                break;
            }
            case BodyMutation.NullEverywhere:
                foreach (var owner in Objects(obj).ToList())
                    for (var i = 0; i < owner.Members.Count; i++)
                        if (owner.Members[i].Value is not JObj) owner.Members[i] = new(owner.Members[i].Key, J.Null);
                break;
            case BodyMutation.SeveralFields:
                for (var n = r.Next(2, 5); n > 0 && Objects(obj).Any(o => o.Members.Count > 0); n--)
                {
                    switch (r.Next(4))
                    {
                        case 0: { var (l, v) = r.Pick(Hostile.Strings); Replace(Field(), J.Str(v), l); break; }
                        case 1: { var (l, t) = r.Pick(Hostile.OtherTypes); Replace(Field(), J.Raw(t), l); break; }
                        case 2: { var (l, t) = r.Pick(Hostile.Numbers); Replace(Field(), J.Raw(t), l); break; }
                        default: { var (owner, name) = Field(); owner.Members.RemoveAll(m => m.Key == name); notes.Add("-" + name); break; }
                    }
                }
                break;
            case BodyMutation.ValidControl:
                break;

            case BodyMutation.BodyNull: return (Encoding.UTF8.GetBytes("null"), "application/json");
            case BodyMutation.ArrayInsteadOfObject: return (JWriter.ToBytes(new JArr().Add(document)), "application/json");
            case BodyMutation.ScalarBody:
            {
                var (l, t) = r.Pick(Hostile.OtherTypes.Where(o => o.Token[0] != '{').ToList());
                notes.Add(l);
                return (Encoding.UTF8.GetBytes(t), "application/json");
            }
            case BodyMutation.EmptyBody: return ([], r.Next(2) == 0 ? primaryType : null);
            case BodyMutation.Truncated:
            {
                var full = Primary(document);
                return (full[..r.Next(Math.Max(1, full.Length))], primaryType);
            }
            case BodyMutation.DeepNesting1000: return (Encoding.UTF8.GetBytes(Hostile.Nested(1000, r.Next(2) == 0)), "application/json");
            case BodyMutation.TrailingGarbage: return ([.. JWriter.ToBytes(document), .. "xyz"u8], "application/json");
            case BodyMutation.TwoDocuments: return ([.. JWriter.ToBytes(document), .. JWriter.ToBytes(document)], "application/json");
            case BodyMutation.Comments: return ([.. "/* hi */ "u8, .. JWriter.ToBytes(document), .. " // bye"u8], "application/json");
            case BodyMutation.TrailingComma:
            {
                var text = Encoding.UTF8.GetString(JWriter.ToBytes(document));
                return (Encoding.UTF8.GetBytes(text.EndsWith('}') ? text[..^1] + ",}" : text + ","), "application/json");
            }
            case BodyMutation.SingleQuotes:
                return (Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(JWriter.ToBytes(document)).Replace('"', '\'')), "application/json");
            case BodyMutation.ByteOrderMark: return ([0xEF, 0xBB, 0xBF, .. Primary(document)], primaryType);
            case BodyMutation.Whitespace2M: return ([.. Encoding.UTF8.GetBytes(new string(' ', 2 * 1024 * 1024)), .. JWriter.ToBytes(document)], "application/json");
            case BodyMutation.RandomBytes:
            {
                var bytes = new byte[r.Next(1, 2048)];
                r.NextBytes(bytes);
                return (bytes, r.Next(2) == 0 ? primaryType : "application/octet-stream");
            }
            case BodyMutation.TextPlain: return (Primary(document), "text/plain");
            case BodyMutation.FormEncoded: return (Encoding.UTF8.GetBytes(FormText(obj)), "application/x-www-form-urlencoded");
            case BodyMutation.Multipart: return (Multipart(obj, "fuzzboundary", broken: false), "multipart/form-data; boundary=fuzzboundary");
            case BodyMutation.MultipartBroken:
                return r.Next(4) switch
                {
                    0 => (Multipart(obj, "fuzzboundary", broken: false), "multipart/form-data"),
                    1 => (Multipart(obj, "fuzzboundary", broken: false), "multipart/form-data; boundary=another"),
                    2 => (Multipart(obj, "fuzzboundary", broken: true), "multipart/form-data; boundary=fuzzboundary"),
                    _ => (Multipart(obj, "fuzzboundary", broken: false), "multipart/form-data; boundary=" + new string('b', 200)),
                };
            case BodyMutation.NoContentType: return (Primary(document), null);
            case BodyMutation.Xml:
                return (Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>"), "application/xml");
            case BodyMutation.Utf16: return (Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(JWriter.ToBytes(document))), "application/json; charset=utf-16");
            case BodyMutation.BogusCharset: return (Primary(document), primaryType + "; charset=klingon");
            case BodyMutation.Form1500Fields:
                return (Encoding.UTF8.GetBytes(string.Join('&', Enumerable.Range(0, 1500).Select(i => $"f{i}=v"))), "application/x-www-form-urlencoded");
            case BodyMutation.GzipClaimed:
                headers.Add(new("Content-Encoding", "gzip"));
                return (Primary(document), primaryType);
            case BodyMutation.JsonForForm: return (JWriter.ToBytes(document), json ? "application/x-www-form-urlencoded" : "application/json");
        }
        return (Primary(document), primaryType);
    }

    private static (byte[]? Body, string? ContentType) StrayBody(Random r, List<string> notes)
    {
        notes.Add("stray-body");
        return r.Next(5) switch
        {
            0 => (Encoding.UTF8.GetBytes(Hostile.Nested(1000, false)), "application/json"),
            1 => (Encoding.UTF8.GetBytes("{\"a\":" + JWriter.Quote(Hostile.Long100K) + "}"), "application/json"),
            2 => (Encoding.UTF8.GetBytes("a=1&b=" + Hostile.PercentEncode(r.Pick(Hostile.Strings).Value)), "application/x-www-form-urlencoded"),
            3 => (Encoding.UTF8.GetBytes("{\"a\":"), "application/json"),
            _ => (Encoding.UTF8.GetBytes(new string('D', 2 * 1024 * 1024)), "text/plain"),
        };
    }

    private static string FormText(JObj obj)
        => string.Join('&', obj.Members.Select(m => $"{Hostile.PercentEncode(m.Key)}={FormValue(m.Value)}"));

    private static string FormValue(J value) => value switch
    {
        JStr s => Hostile.PercentEncode(s.Value),
        JRaw raw => Hostile.PercentEncode(raw.Bytes),
        _ => Hostile.PercentEncode(JWriter.ToBytes(value)),
    };

    /// <summary>
    /// The fields as multipart/form-data. A member named <c>file</c> is sent as a file part (PDF, "scan.pdf"); without one,
    /// a file part with a path-traversal file name rides along.
    /// </summary>
    private static byte[] Multipart(JObj obj, string boundary, bool broken)
    {
        using var stream = new MemoryStream();
        void Text(string s) => stream.Write(Encoding.UTF8.GetBytes(s));
        static byte[] Content(J value) => value is JStr s ? Encoding.UTF8.GetBytes(s.Value) : JWriter.ToBytes(value);
        foreach (var (name, value) in obj.Members)
        {
            var safeName = name.Replace("\"", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
            Text(name == "file"
                ? $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                : $"--{boundary}\r\nContent-Disposition: form-data; name=\"{safeName}\"\r\n\r\n");
            stream.Write(Content(value));
            Text("\r\n");
        }
        if (obj.Members.All(m => m.Key != "file"))
            Text($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\nContent-Type: application/json\r\n\r\n{{}}\r\n");
        if (!broken) Text($"--{boundary}--\r\n");
        else Text($"--{boundary}\r\nContent-Disposition: form-data; name=\"cut");
        return stream.ToArray();
    }

    /// <summary>The object and every object nested in it (through arrays too), outermost first.</summary>
    private static IEnumerable<JObj> Objects(J node)
    {
        if (node is JObj o)
        {
            yield return o;
            foreach (var m in o.Members.ToList())
                foreach (var inner in Objects(m.Value)) yield return inner;
        }
        else if (node is JArr a)
        {
            foreach (var item in a.Items.ToList())
                foreach (var inner in Objects(item)) yield return inner;
        }
    }

    /// <summary>A fresh copy (mutations edit it in place).</summary>
    private static JObj Rebuild(JObj shape)
    {
        var copy = new JObj();
        foreach (var (k, v) in shape.Members) copy.Add(k, v is JObj o ? Rebuild(o) : v is JArr a ? RebuildArray(a) : v);
        return copy;
    }

    private static JArr RebuildArray(JArr array)
    {
        var copy = new JArr();
        foreach (var item in array.Items) copy.Add(item is JObj o ? Rebuild(o) : item is JArr a ? RebuildArray(a) : item);
        return copy;
    }

    // ---- headers and authentication ------------------------------------------------------------------------

    private static List<KeyValuePair<string, string>> ExtraHeaders(Random r, List<string> notes)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var roll = r.NextDouble();
        if (roll < 0.08)
        {
            // The audit reason: percent-encoded UTF-8, cut to 500 characters by the services.
            var hostile = r.Pick(Hostile.Strings);
            var (label, value) = r.Next(4) switch
            {
                0 => ("emoji-at-500", new string('a', 499) + "%F0%9F%98%80"),
                1 => ("utf8-lone-surrogate", "%ED%A0%80"),
                2 => ("10k", new string('R', 10_000)),
                _ => (hostile.Label, Hostile.PercentEncode(hostile.Value)),
            };
            headers.Add(new("X-Audit-Reason", value));
            notes.Add("reason=" + label);
        }
        else if (roll < 0.11)
        {
            var accept = r.Pick(new[] { "application/xml", "text/html", "*/*;q=garbage", "application/problem+xml", "x/y;;;" });
            headers.Add(new("Accept", accept));
            notes.Add("accept=" + accept);
        }
        else if (roll < 0.13)
        {
            headers.Add(new("traceparent", r.Pick(new[] { "00-zzz-zzz-01", "ff-" + new string('0', 32) + "-" + new string('0', 16) + "-00", "00-" + new string('a', 500) })));
            notes.Add("traceparent=garbage");
        }
        return headers;
    }

    /// <summary>
    /// Creating POSTs take an Idempotency-Key: mostly a fresh one, so the handler runs; sometimes one shared by many
    /// requests (replay, 422 for another body, 409 while in flight), a hostile one, or none.
    /// </summary>
    private void IdempotencyKey(FuzzEndpoint endpoint, int index, Random r, List<string> notes, List<KeyValuePair<string, string>> headers)
    {
        var roll = r.NextDouble();
        if (roll < 0.8)
            headers.Add(new("Idempotency-Key", $"fuzz-{seed}-{Mix(seed, endpoint.Key, index):x8}-{index}"));
        else if (roll < 0.86)
        {
            headers.Add(new("Idempotency-Key", $"fuzz-{seed}-shared-{r.Next(3)}"));
            notes.Add("idempotency-key=shared");
        }
        else if (roll < 0.92)
        {
            var (label, value) = r.Pick(Hostile.Strings);
            headers.Add(new("Idempotency-Key", Hostile.PercentEncode(value)));
            headers.Add(new("Idempotency-Key", r.Next(2) == 0 ? "second-value" : new string('k', 300)));
            notes.Add($"idempotency-key={label}+second");
        }
        else
            notes.Add("idempotency-key=none");
    }

    private AuthChoice PickAuth(Random r)
    {
        var at = r.Next(_authWeight);
        foreach (var choice in auth)
        {
            if (at < choice.Weight) return choice;
            at -= choice.Weight;
        }
        return auth[^1];
    }

    private static T PickWeighted<T>(Random r, IReadOnlyList<(T Item, double Weight)> items)
    {
        var at = r.NextDouble() * items.Sum(i => i.Weight);
        foreach (var (item, weight) in items)
        {
            if (at < weight) return item;
            at -= weight;
        }
        return items[^1].Item;
    }

    private static string Kebab(string name) => KebabBoundary().Replace(name, "-$1").ToLowerInvariant().TrimStart('-');

    /// <summary>A stable 32-bit seed from (run seed, target, index): FNV-1a, then a SplitMix64 finaliser.</summary>
    public static int Mix(int seed, string key, int index)
    {
        var h = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        var z = h ^ ((ulong)(uint)seed << 32) ^ (uint)index;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return (int)((z ^ (z >> 31)) & 0x7fffffff);
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex TemplateSlot();

    [GeneratedRegex("([A-Z])")]
    private static partial Regex KebabBoundary();
}
