using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Procedures.Contracts;
using Procedures.TestInfrastructure.Contract;
using Xunit.Abstractions;

namespace Procedures.Contract.Tests;

/// <summary>
/// The committed OpenAPI documents (docs/openapi/{service}.json, which every answer in the other suites is checked
/// against) are sound, without starting anything: Microsoft.OpenApi reads each as OpenAPI 3.1 with no diagnostic error
/// and its default rule set finds nothing; every <c>$ref</c> resolves inside the document; every operation has a unique
/// operationId and a summary; request and response schemas given by reference point at existing components.
/// </summary>
[Trait("Kind", "Pure")]
public sealed class CommittedDocumentsTests(ITestOutputHelper output)
{
    public static readonly string[] Services =
    [
        ResourceNames.Intake, ResourceNames.Processing, ResourceNames.Payment, ResourceNames.PortalSync,
        ResourceNames.Reporting, ResourceNames.Notifications, ResourceNames.Sandbox,
    ];

    public static TheoryData<string> EveryService => [.. Services];

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];

    [Fact]
    public void There_is_one_committed_document_per_service_and_no_other()
    {
        var folder = Path.GetDirectoryName(ContractDocument.CommittedPath(ResourceNames.Intake))!;
        var found = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json").Select(Path.GetFileNameWithoutExtension).Order().ToList() : [];
        Assert.Equal(Services.Order(), found);
        var operations = Services.Sum(s => ContractDocument.Parse(s, File.ReadAllText(ContractDocument.CommittedPath(s))).Operations.Count);
        output.WriteLine($"{Services.Length} documents, {operations} operations checked");
    }

    [Theory]
    [MemberData(nameof(EveryService))]
    public void The_document_reads_as_OpenAPI_3_1_without_errors_and_passes_the_default_rules(string service)
    {
        var text = File.ReadAllText(ContractDocument.CommittedPath(service));

        var result = OpenApiDocument.Parse(text, OpenApiConstants.Json, new OpenApiReaderSettings());

        Assert.True(result.Diagnostic is { Errors.Count: 0 }, $"{service}: reader errors:\n  " + string.Join("\n  ", result.Diagnostic!.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic.SpecificationVersion);
        var document = Assert.IsType<OpenApiDocument>(result.Document);
        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, $"{service}: validation errors:\n  " + string.Join("\n  ", errors.Select(e => $"{e.Pointer}: {e.Message}")));
        output.WriteLine($"{service}: {document.Paths?.Sum(p => p.Value?.Operations?.Count ?? 0) ?? 0} operations read and validated");
    }

    [Theory]
    [MemberData(nameof(EveryService))]
    public void Every_reference_resolves_and_every_operation_has_a_unique_id_and_a_summary(string service)
    {
        var root = JsonNode.Parse(File.ReadAllText(ContractDocument.CommittedPath(service)))!;
        var problems = new List<string>();

        foreach (var (at, reference) in References(root, "$"))
            if (!reference.StartsWith("#/", StringComparison.Ordinal) || Pointer(root, reference) is null)
                problems.Add($"{at}: $ref {reference} does not resolve inside the document");

        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var (template, item) in (root["paths"] as JsonObject) ?? [])
        foreach (var method in Methods)
        {
            if (Member(Resolve(root, item), method) is not JsonObject operation) continue;
            count++;
            var name = $"{method.ToUpperInvariant()} {template}";
            var id = operation["operationId"]?.GetValue<string>();
            if (string.IsNullOrWhiteSpace(id)) problems.Add($"{name}: no operationId");
            else if (!ids.TryAdd(id, name)) problems.Add($"{name}: operationId {id} is also {ids[id]}'s");
            if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>())) problems.Add($"{name}: no summary");

            var bodies = new List<(string Where, JsonNode? Content)> { ("request body", Member(Resolve(root, operation["requestBody"]), "content")) };
            bodies.AddRange(((operation["responses"] as JsonObject) ?? []).Select(r => ($"response {r.Key}", Member(Resolve(root, r.Value), "content"))));
            foreach (var (where, content) in bodies)
            foreach (var (media, value) in (content as JsonObject) ?? [])
                if (Member(Member(value, "schema"), "$ref")?.GetValue<string>() is { } schemaRef
                    && !(schemaRef.StartsWith("#/components/schemas/", StringComparison.Ordinal) && Pointer(root, schemaRef) is not null))
                    problems.Add($"{name}: {where} {media} refers to {schemaRef}, not an existing component schema");
        }

        Assert.True(count > 0, $"{service} documents no operation");
        Assert.True(problems.Count == 0, $"{service}:\n  " + string.Join("\n  ", problems));
        output.WriteLine($"{service}: {count} operations, every $ref resolved");
    }

    [Theory]
    [MemberData(nameof(EveryService))]
    public void Every_example_is_valid_against_its_own_schema(string service)
    {
        // A generated client is read against the schema, a person against the example: the two must say the same.
        var (examples, refused) = ContractDocument.Parse(service, File.ReadAllText(ContractDocument.CommittedPath(service))).CheckExamples();
        Assert.True(refused.Count == 0, $"{service}: examples their schema refuses:\n  " + string.Join("\n  ", refused));
        output.WriteLine($"{service}: {examples} examples valid against their schemas");
    }

    private static IEnumerable<(string At, string Reference)> References(JsonNode? node, string at)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    if (name == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var reference)) yield return (at, reference);
                    else foreach (var r in References(value, $"{at}/{name}")) yield return r;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    foreach (var r in References(a[i], $"{at}/{i}")) yield return r;
                break;
        }
    }

    /// <summary>The node a local JSON Pointer reference (#/a/b~1c) names, or null.</summary>
    private static JsonNode? Pointer(JsonNode root, string reference)
    {
        JsonNode? node = root;
        foreach (var raw in reference[2..].Split('/'))
        {
            var part = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o => o.TryGetPropertyValue(part, out var child) ? child : null,
                JsonArray a when int.TryParse(part, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    private static JsonNode? Member(JsonNode? node, string name) => (node as JsonObject)?[name];

    private static JsonNode? Resolve(JsonNode root, JsonNode? node)
        => Member(node, "$ref")?.GetValue<string>() is { } reference && reference.StartsWith("#/", StringComparison.Ordinal) ? Pointer(root, reference) : node;

    [Fact]
    public void Integer_codes_say_what_each_value_means_and_the_range_they_fall_in()
    {
        // returnChannel was an undocumented integer (issue 21); the code lists come from the enums of Contracts. They are
        // no JSON Schema enum: Kiota would make the member an enum type it writes and reads as a string.
        var processing = JsonNode.Parse(File.ReadAllText(ContractDocument.CommittedPath(ResourceNames.Processing)))!;
        var schemas = processing["components"]!["schemas"]!;
        var returnChannel = schemas["ActionsRequest"]!["properties"]!["returnChannel"]!;
        foreach (var channel in Enum.GetValues<SubmissionChannel>())
            Assert.Contains($"{(int)channel} = {channel}", (string)returnChannel["description"]!);
        var status = schemas["ActionsResponse"]!["properties"]!["status"]!;
        Assert.Contains("6 = AwaitingPayment (Yêu cầu thực hiện nghĩa vụ tài chính)", (string)status["description"]!);
        Assert.Equal((1, 10), ((int)status["minimum"]!, (int)status["maximum"]!));

        // Wherever a code list is given, in any document, each value of its range is explained and no enum is declared.
        var lists = 0;
        foreach (var service in Services)
        {
            var document = JsonNode.Parse(File.ReadAllText(ContractDocument.CommittedPath(service)))!;
            foreach (var (name, schema) in document["components"]?["schemas"]?.AsObject() ?? [])
            foreach (var (member, property) in schema?["properties"]?.AsObject() ?? [])
                if ((string?)property?["description"] is { } text && (text.StartsWith("DossierStatus: ", StringComparison.Ordinal)
                        || text.StartsWith("SubmissionChannel: ", StringComparison.Ordinal)))
                {
                    lists++;
                    Assert.Null(property!["enum"]);
                    for (var value = (int)property["minimum"]!; value <= (int)property["maximum"]!; value++)
                        Assert.Contains($"{value} = ", text);
                }
        }
        output.WriteLine($"{lists} integer code lists checked");
        Assert.True(lists >= 10, $"only {lists} integer code lists");
    }
}
