using System.Text.Json.Nodes;
using Procedures.TestInfrastructure.Contract;

namespace Procedures.Contract.Tests;

/// <summary>How OpenApiDocumentTests compares a served document with the committed one, and how it writes one.</summary>
[Trait("Kind", "Pure")]
public sealed class OpenApiJsonTests
{
    [Fact]
    public void Member_order_and_formatting_do_not_count_and_each_difference_names_its_json_path()
    {
        var committed = JsonNode.Parse("""{"info":{"title":"Intake","version":"1"},"paths":{"/api/v1/dossiers":{"get":{"tags":["a","b"]}}}}""");
        var reordered = JsonNode.Parse("""{ "paths": { "/api/v1/dossiers": { "get": { "tags": [ "a", "b" ] } } }, "info": { "version": "1", "title": "Intake" } }""");
        var changed = JsonNode.Parse("""{"info":{"title":"Intake","version":"2"},"paths":{"/api/v1/dossiers":{"get":{"tags":["a"]},"post":{}}}}""");

        Assert.Empty(OpenApiJson.Differences(committed, reordered));
        Assert.Equal(
        [
            "$.info.version: committed \"1\", served \"2\"",
            "$.paths[\"/api/v1/dossiers\"].get.tags: 2 item(s) committed, 1 served",
            "$.paths[\"/api/v1/dossiers\"].post: only in the served document",
        ], OpenApiJson.Differences(committed, changed));
    }

    [Fact]
    public void Written_documents_are_indented_unescaped_utf8_with_one_trailing_newline()
    {
        var text = OpenApiJson.Format(JsonNode.Parse("""{"info":{"title":"Thủ tục \"hành chính\" & <hồ sơ>"}}""")!);

        Assert.Equal("{\n  \"info\": {\n    \"title\": \"Thủ tục \\\"hành chính\\\" & <hồ sơ>\"\n  }\n}\n", text);
    }
}
