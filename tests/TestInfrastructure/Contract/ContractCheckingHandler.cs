namespace Procedures.TestInfrastructure.Contract;

/// <summary>
/// Checks every answer a test receives from one of our services against that service's committed OpenAPI document
/// (docs/openapi/{service}.json): the request must reach a documented operation, the status must be documented for it
/// (explicitly, as a range such as 4XX, or as <c>default</c>), and a JSON body (application/json or any +json, e.g.
/// application/problem+json) must be of a documented media type and valid against that schema. Each checked answer
/// is recorded for the coverage summary; a violation is recorded and, unless CONTRACT_CHECK=report, fails the test
/// that sent the request (the exception comes out of its SendAsync).
/// </summary>
public sealed class ContractCheckingHandler : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> Outside = new("procedures.contract.outside");

    /// <summary>
    /// Not part of the API, so not in any document: health, the API description itself and its reference UI.
    /// </summary>
    private static readonly string[] NonApiPrefixes = ["/health", "/alive", "/openapi", "/scalar"];

    private readonly string _service;
    private readonly ContractDocument? _document;
    private readonly ContractMode _mode;
    private readonly ContractLedger _ledger;
    private readonly (string Method, string Template)? _standIn;

    /// <param name="service">Whose document applies (a Procedures.Contracts.ResourceNames name).</param>
    /// <param name="inner">The transport; null only where IHttpClientFactory sets it (AddHttpMessageHandler).</param>
    /// <param name="standIn">
    /// For a host that maps a test-only endpoint to exercise shared service code (rate limiting, the problem handler):
    /// every answer is judged as an answer of this documented operation, which that shared code guards in the product.
    /// </param>
    /// <param name="document">The document to check against; the service's committed one when null.</param>
    /// <param name="mode">CONTRACT_CHECK (<see cref="ContractModes.FromEnvironment"/>) when null.</param>
    /// <param name="ledger">The process's shared ledger when null.</param>
    public ContractCheckingHandler(string service, HttpMessageHandler? inner = null, (string Method, string Template)? standIn = null,
        ContractDocument? document = null, ContractMode? mode = null, ContractLedger? ledger = null)
    {
        _service = service;
        _document = document;
        _mode = mode ?? ContractModes.FromEnvironment();
        _ledger = ledger ?? ContractLedger.Shared;
        _standIn = standIn;
        if (inner is not null) InnerHandler = inner;
    }

    /// <summary>An HttpClient on <paramref name="baseAddress"/> whose answers are checked against <paramref name="service"/>'s document.</summary>
    public static HttpClient Client(string service, Uri baseAddress, (string Method, string Template)? standIn = null)
        => new(new ContractCheckingHandler(service, new SocketsHttpHandler(), standIn)) { BaseAddress = baseAddress };

    /// <summary>
    /// Marks a request that deliberately goes where no document leads (an unknown route, an undeclared method), as the
    /// fuzzer's and the security tests' probes do: its answer is not an undocumented-path violation.
    /// </summary>
    public static HttpRequestMessage OutsideContract(HttpRequestMessage request)
    {
        request.Options.Set(Outside, true);
        return request;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (_mode == ContractMode.Off) return response;
        var path = request.RequestUri!.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString.Split('?', 2)[0];
        if (IsNonApi(path)) return response;

        var status = (int)response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        string? body = null;
        if (IsJson(mediaType))
        {
            // Buffered, so the test still reads the whole body afterwards.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (string.IsNullOrWhiteSpace(body)) body = null;
        }
        var violation = Judge(request.Method.Method, path, status, mediaType, body, request.Options.TryGetValue(Outside, out var outside) && outside);
        if (violation is null) return response;
        _ledger.Record(violation);
        if (_mode == ContractMode.Report) return response;
        response.Dispose();
        throw new ContractViolationException(violation);
    }

    private ContractViolation? Judge(string method, string path, int status, string? mediaType, string? body, bool outside)
    {
        var document = _document ?? ContractDocument.ForService(_service);
        ContractViolation Violation(string template, string kind, IReadOnlyList<string> details)
            => new(_service, method, template, status, mediaType, kind, details, ContractViolation.Snippet(body));
        if (document is null)
            return Violation(path, "no-document", [$"no committed document at {ContractDocument.CommittedPath(_service)} (UPDATE_OPENAPI=1 writes it)"]);

        ContractOperation? operation;
        if (_standIn is { } standIn)
            operation = document.Operations.FirstOrDefault(o => o.Method == standIn.Method && o.Template == standIn.Template)
                ?? throw new InvalidOperationException($"stand-in {standIn.Method} {standIn.Template} is not an operation of {_service}'s document");
        else
        {
            var match = document.Match(method, path);
            operation = match.Operation;
            if (operation is null)
            {
                // A deliberate probe, or a page for people (text/html, e.g. the sandbox's hosted payment page): the
                // documents describe the JSON API, so neither is an API answer. A documented page is checked as usual.
                if (outside || string.Equals(mediaType, "text/html", StringComparison.OrdinalIgnoreCase)) return null;
                return match.PathKnown
                    ? Violation(path, "undocumented-method", [$"{path} is documented, not for {method}"])
                    : Violation(path, "undocumented-path", ["no path template of the document matches"]);
            }
        }
        _ledger.Record(new CheckedAnswer(_service, operation.Method, operation.Template, status));
        var problems = document.Check(operation, status, mediaType, body);
        return problems.Count == 0 ? null : Violation(operation.Template, problems[0].Kind, problems[0].Details);
    }

    private static bool IsNonApi(string path)
        => NonApiPrefixes.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase)
                                   || path.StartsWith(p + "/", StringComparison.OrdinalIgnoreCase));

    private static bool IsJson(string? mediaType)
        => mediaType is not null && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                                     || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
