using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests.Readme;

/// <summary>How README answers are read and matched (no system needed): what must fail does fail.</summary>
public sealed class ReadmeExamplesParsingTests
{
    private static IReadOnlyList<string> Check(string comment, int status, string body) => DocumentedAnswer.Parse(comment).Mismatches(status, body);

    [Fact]
    public void Status_fields_and_values_must_match_and_placeholders_match_by_shape()
    {
        const string answer = """# → 201 {"dossierCode":"26740.H29-261129-0001","status":1,"submittedAt":"…"} (prose)""";
        Assert.Empty(Check(answer, 201, """{"dossierCode":"26740.H29-260311-0042","status":1,"submittedAt":"2026-03-11T02:00:00Z"}"""));
        Assert.NotEmpty(Check(answer, 400, """{"dossierCode":"26740.H29-260311-0042","status":1,"submittedAt":"x"}"""));
        Assert.NotEmpty(Check(answer, 201, """{"code":"26740.H29-260311-0042","status":1,"submittedAt":"x"}"""));
        Assert.NotEmpty(Check(answer, 201, """{"dossierCode":"26737.H29-260311-0042","status":1,"submittedAt":"x"}"""));
        Assert.NotEmpty(Check(answer, 201, """{"dossierCode":"26740.H29-260311-0042","status":2,"submittedAt":"x"}"""));
        // Without "...", an undocumented member is a difference too.
        Assert.NotEmpty(Check(answer, 201, """{"dossierCode":"26740.H29-260311-0042","status":1,"submittedAt":"x","extra":0}"""));
    }

    [Fact]
    public void Ellipses_allow_more_members_items_and_text()
    {
        const string answer = """# → 200 {"items":[{"code":"1.004222",...},...],"token":"eyJ…","total":…,...}""";
        Assert.Empty(Check(answer, 200, """{"items":[{"code":"1.003197"},{"code":"1.004222","name":"x"}],"token":"eyJhb","total":2,"limit":50}"""));
        Assert.NotEmpty(Check(answer, 200, """{"items":[{"code":"1.003197"}],"token":"eyJhb","total":1}"""));
        Assert.NotEmpty(Check(answer, 200, """{"items":[],"token":"xyz","total":0}"""));
        Assert.NotEmpty(Check(answer, 200, """{"items":[]}"""));
    }

    [Fact]
    public void Fixed_values_such_as_a_due_date_are_matched_exactly()
    {
        const string answer = """# → 200 {"due":"2026-02-25T17:00:00+07:00",...}""";
        Assert.Empty(Check(answer, 200, """{"due":"2026-02-25T17:00:00+07:00","amount":3}"""));
        Assert.NotEmpty(Check(answer, 200, """{"due":"2026-02-24T17:00:00+07:00","amount":3}"""));
    }

    [Fact]
    public void Every_curl_in_the_readme_has_a_documented_answer_and_run_commands_are_set_apart()
    {
        var blocks = ReadmeBlocks.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")));
        Assert.Equal(2, blocks.Count(b => b.Excluded)); // up.sh/test.sh, and the benchmark's commands
        Assert.All(blocks.Where(b => b.Excluded), b => Assert.Empty(b.Requests));
        Assert.Throws<InvalidOperationException>(() => ReadmeBlocks.Parse("```bash\ncurl -s http://localhost:5101/x\n```\n"));
    }
}
