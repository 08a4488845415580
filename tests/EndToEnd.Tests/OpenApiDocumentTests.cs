using System.Text.Json.Nodes;
using Procedures.TestInfrastructure.Contract;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// The OpenAPI document each running service serves at /openapi/v1.json is the one committed at
/// docs/openapi/{service}.json — the document every other test's answers are checked against (ContractCheckingHandler)
/// and that integrators read. Compared as parsed JSON (formatting and member order do not count); a difference fails
/// with the first JSON paths that differ.
/// <para>
/// After a deliberate API change, regenerate the committed files with
/// <c>UPDATE_OPENAPI=1 dotnet test tests/EndToEnd.Tests --filter "FullyQualifiedName~OpenApiDocumentTests"</c>: the test
/// then writes each served document (indented, members in the served order, UTF-8 without \u escapes, one trailing
/// newline) instead of comparing, and the contract check only reports while it runs (the old documents are being
/// replaced). Review the diff and commit it with the change.
/// </para>
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OpenApiDocumentTests(SystemFixture system)
{
    private const int ShownDifferences = 15;

    [Fact]
    public async Task Every_service_serves_exactly_its_committed_openapi_document()
    {
        var update = Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1";
        var failures = new List<string>();
        foreach (var service in SystemFixture.Services)
        {
            var served = JsonNode.Parse(await system.Client(service).GetStringAsync("/openapi/v1.json"))!.AsObject();
            // The generator lists the address the request came in on under "servers"; the test system's ports are free
            // ports chosen at start, so that entry can never equal a committed one, and the document must not carry it.
            served.Remove("servers");
            var path = ContractDocument.CommittedPath(service);
            if (update)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, OpenApiJson.Format(served), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                continue;
            }
            if (!File.Exists(path))
            {
                failures.Add($"{service}: no committed document at docs/openapi/{service}.json");
                continue;
            }
            var differences = OpenApiJson.Differences(JsonNode.Parse(await File.ReadAllTextAsync(path)), served).ToList();
            if (differences.Count > 0)
                failures.Add($"{service}: served /openapi/v1.json differs from docs/openapi/{service}.json at {differences.Count} place(s):\n    "
                             + string.Join("\n    ", differences.Take(ShownDifferences)) + (differences.Count > ShownDifferences ? "\n    …" : ""));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures)
            + "\nIf the change is intended: UPDATE_OPENAPI=1 dotnet test tests/EndToEnd.Tests --filter \"FullyQualifiedName~OpenApiDocumentTests\", then commit docs/openapi.");
    }
}
