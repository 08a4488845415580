using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Audit;

namespace Procedures.Services.Tests.Api;

[Trait("Kind", "Pure")]
public sealed class AuditQueryParsingTests
{
    [Theory]
    [InlineData("from", "31/01/2025")]
    [InlineData("to", "yesterday")]
    [InlineData("limit", "0")]
    [InlineData("limit", "1001")]
    [InlineData("limit", "-5")]
    [InlineData("limit", "ten")]
    [InlineData("beforeId", "0")]
    [InlineData("beforeId", "abc")]
    [InlineData("agency", "x")] // made too long below
    public void Bad_query_parameter_is_named_in_the_errors(string field, string value)
    {
        if (field == "agency") value = new string('x', 257);
        string? Get(string name) => name == field ? value : null;

        var query = AuditEndpoints.ParseQuery(Get("from"), Get("to"), Get("agency"), Get("resource"), Get("action"), Get("clientId"),
            Get("limit"), Get("beforeId"), out var errors);

        Assert.Null(query);
        Assert.Equal([field], errors.Select(e => e.Field));
    }

    [Fact]
    public void To_before_from_is_refused_on_to()
    {
        Assert.Null(AuditEndpoints.ParseQuery("2025-02-01", "2025-01-01", null, null, null, null, null, null, out var errors));
        Assert.Equal(["to"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Valid_parameters_become_a_query_with_instants_in_utc()
    {
        // "+07:00" left unencoded in a URL arrives as " 07:00"; a date alone is midnight in Vietnam.
        var query = AuditEndpoints.ParseQuery("2025-01-31T08:00:00 07:00", "2025-02-01", "A1", "D-1", "dossier.read", "c-1", "50", "900", out var errors);

        Assert.Empty(errors);
        Assert.Equal(new AuditQuery(new DateTimeOffset(2025, 1, 31, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 31, 17, 0, 0, TimeSpan.Zero),
            "A1", "D-1", "dossier.read", "c-1", 50, 900), query);
        Assert.Equal(new AuditQuery(), AuditEndpoints.ParseQuery(null, "", null, " ", null, null, null, null, out _));
    }
}
