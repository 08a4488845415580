using System.Net;
using Procedures.TestInfrastructure.Contract;

namespace Procedures.Contract.Tests;

/// <summary>
/// The contract check on a stub server and the tiny inline document: conforming answers pass and are counted, and each
/// kind of disagreement is a violation that fails the request in enforce mode and is only recorded in report mode.
/// </summary>
[Trait("Kind", "Pure")]
public sealed class ContractCheckingHandlerTests
{
    private const string Item = """{"id":"a1","name":"Bút","tag":{"label":"x"}}""";
    private static readonly ContractDocument Document = ContractDocument.Parse("tiny", TinyDocument.Json);

    private static async Task<(HttpResponseMessage Response, ContractLedger Ledger)> SendAsync(
        HttpMethod method, string path, HttpStatusCode status, string? mediaType = null, string? body = null,
        ContractMode mode = ContractMode.Enforce, bool outside = false, string? folder = null)
    {
        var ledger = new ContractLedger(folder);
        using var client = new HttpClient(new ContractCheckingHandler("tiny", new StubServer(status, mediaType, body), document: Document, mode: mode, ledger: ledger))
            { BaseAddress = new Uri("http://tiny.test") };
        var request = new HttpRequestMessage(method, path);
        if (outside) ContractCheckingHandler.OutsideContract(request);
        return (await client.SendAsync(request), ledger);
    }

    private static async Task<ContractViolation> ViolationAsync(HttpMethod method, string path, HttpStatusCode status, string? mediaType = null, string? body = null)
    {
        var failure = await Assert.ThrowsAsync<ContractViolationException>(() => SendAsync(method, path, status, mediaType, body));
        Assert.Contains($"tiny {failure.Violation.Method} {failure.Violation.Template} answered {(int)status}", failure.Message);
        return failure.Violation;
    }

    [Fact]
    public async Task A_conforming_answer_passes_is_still_readable_and_is_counted_under_its_template()
    {
        var (response, ledger) = await SendAsync(HttpMethod.Get, "/api/v1/items/a1", HttpStatusCode.OK, body: Item);

        Assert.Equal(Item, await response.Content.ReadAsStringAsync());
        Assert.Empty(ledger.Violations);
        Assert.Equal([new CheckedAnswer("tiny", "GET", "/api/v1/items/{id}", 200)], ledger.Answers);
    }

    [Fact]
    public async Task A_literal_segment_wins_over_a_parameter_and_ranges_and_default_document_statuses()
    {
        var (search, ledger) = await SendAsync(HttpMethod.Get, "/api/v1/items/search?q=b", HttpStatusCode.OK, body: $"[{Item}]");
        Assert.Equal("/api/v1/items/search", Assert.Single(ledger.Answers).Template);
        search.Dispose();

        // 4XX covers a 409 of the search; default covers a 503 of the POST (both problem details).
        var (conflict, _) = await SendAsync(HttpMethod.Get, "/api/v1/items/search", HttpStatusCode.Conflict, "application/problem+json", """{"type":"t","title":"c"}""");
        var (busy, _) = await SendAsync(HttpMethod.Post, "/api/v1/items", HttpStatusCode.ServiceUnavailable, "application/problem+json", """{"type":"t","title":"b"}""");
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.ServiceUnavailable), (conflict.StatusCode, busy.StatusCode));
    }

    [Fact]
    public async Task An_undocumented_status_is_a_violation()
    {
        var violation = await ViolationAsync(HttpMethod.Get, "/api/v1/items/a1", HttpStatusCode.InternalServerError, "application/problem+json", """{"type":"t","title":"x"}""");

        Assert.Equal(("undocumented-status", "/api/v1/items/{id}", 500), (violation.Kind, violation.Template, violation.Status));
        Assert.Contains("200, 404", violation.Details[0]);
    }

    [Fact]
    public async Task A_body_its_schema_refuses_is_a_violation_naming_the_places_even_through_nested_references()
    {
        var violation = await ViolationAsync(HttpMethod.Get, "/api/v1/items/a1", HttpStatusCode.OK, body: """{"id":1,"tag":{"label":"far too long"}}""");

        Assert.Equal("schema", violation.Kind);
        Assert.Contains(violation.Details, d => d.StartsWith("/id:", StringComparison.Ordinal));
        Assert.Contains(violation.Details, d => d.StartsWith("/tag/label:", StringComparison.Ordinal));
        Assert.Contains(violation.Details, d => d.Contains("name", StringComparison.Ordinal)); // required
        Assert.Contains("\"id\":1", violation.BodySnippet);
    }

    [Fact]
    public async Task Only_what_fails_is_reported_not_the_branches_a_passing_oneOf_did_not_take()
    {
        var (fine, _) = await SendAsync(HttpMethod.Get, "/api/v1/items/a1", HttpStatusCode.OK, body: """{"id":"a","name":"b","tag":{"label":"x"},"note":{"label":"y"}}""");
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);

        var violation = await ViolationAsync(HttpMethod.Get, "/api/v1/items/a1", HttpStatusCode.OK, body: """{"id":"a","name":2,"tag":{"label":"x"},"note":null}""");
        Assert.Equal("schema", violation.Kind);
        Assert.All(violation.Details, d => Assert.StartsWith("/name:", d));

        // A value more than one alternative of a oneOf accepts (what the generator writes for a nullable enum) is named too.
        var both = await ViolationAsync(HttpMethod.Get, "/api/v1/items/a1", HttpStatusCode.OK, body: """{"id":"a","name":"b","tag":{"label":"x"},"level":null}""");
        Assert.Contains(both.Details, d => d.StartsWith("/level: matches 2 alternatives of the oneOf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_of_an_undocumented_media_type_and_a_body_that_is_not_json_are_violations()
    {
        var wrongType = await ViolationAsync(HttpMethod.Get, "/api/v1/items/zz", HttpStatusCode.NotFound, "application/json", """{"type":"t","title":"x"}""");
        Assert.Equal("undocumented-media-type", wrongType.Kind);
        Assert.Contains("application/problem+json", wrongType.Details[0]);

        var broken = await ViolationAsync(HttpMethod.Get, "/api/v1/items/a1", HttpStatusCode.OK, "application/json", """{"id":""");
        Assert.Equal("invalid-json", broken.Kind);
    }

    [Fact]
    public async Task A_path_or_method_the_document_lacks_is_a_violation_unless_the_request_is_a_marked_probe()
    {
        var path = await ViolationAsync(HttpMethod.Get, "/api/v1/nothing", HttpStatusCode.NotFound, "application/problem+json", """{"type":"t","title":"x"}""");
        Assert.Equal(("undocumented-path", "/api/v1/nothing"), (path.Kind, path.Template));
        var method = await ViolationAsync(HttpMethod.Delete, "/api/v1/items/a1", HttpStatusCode.MethodNotAllowed);
        Assert.Equal("undocumented-method", method.Kind);

        var (probe, ledger) = await SendAsync(HttpMethod.Get, "/api/v1/nothing", HttpStatusCode.NotFound, outside: true);
        Assert.Equal(HttpStatusCode.NotFound, probe.StatusCode);
        Assert.Empty(ledger.Violations);
    }

    [Fact]
    public async Task Health_the_api_description_and_undocumented_pages_are_neither_checked_nor_counted()
    {
        foreach (var path in new[] { "/health", "/alive", "/openapi/v1.json", "/scalar/" })
        {
            var (_, ledger) = await SendAsync(HttpMethod.Get, path, HttpStatusCode.OK, "application/json", "{}");
            Assert.Empty(ledger.Answers);
        }
        var (page, pageLedger) = await SendAsync(HttpMethod.Get, "/pay/abc", HttpStatusCode.OK, "text/html", "<html></html>");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Empty(pageLedger.Violations);
    }

    [Fact]
    public async Task Report_mode_lets_the_answer_through_and_writes_the_violation_and_the_answer_to_the_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "contract-tests-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (response, ledger) = await SendAsync(HttpMethod.Get, "/api/v1/items/a1", HttpStatusCode.InternalServerError, "application/problem+json",
                """{"type":"t","title":"x"}""", ContractMode.Report, folder: folder);

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("undocumented-status", Assert.Single(ledger.Violations).Kind);
            Assert.Equal("tiny\tGET\t/api/v1/items/{id}\t500\n", File.ReadAllText(Assert.Single(Directory.GetFiles(folder, "answers-*.tsv"))));
            Assert.Contains("\"Kind\":\"undocumented-status\"", File.ReadAllText(Assert.Single(Directory.GetFiles(folder, "violations-*.jsonl"))));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Off_checks_nothing()
    {
        var (response, ledger) = await SendAsync(HttpMethod.Get, "/api/v1/nothing", HttpStatusCode.InternalServerError, mode: ContractMode.Off);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(ledger.Answers);
    }
}
