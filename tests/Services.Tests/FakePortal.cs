using System.Net;
using System.Text;
using System.Text.Json;

namespace Procedures.Services.Tests;

/// <summary>One request the portal received: operation (create, update, history), idempotency key and JSON body.</summary>
internal sealed record PortalCall(string Operation, string? IdempotencyKey, JsonElement Body)
{
    public string DossierCode => Body.GetProperty("MaHoSo").GetString()!;
}

/// <summary>
/// Stands in for the national portal (an external system) at the HTTP boundary: records every request and
/// answers through <see cref="Respond"/>, which accepts everything unless a test says otherwise.
/// </summary>
internal sealed class FakePortal : HttpMessageHandler
{
    private readonly List<PortalCall> _calls = [];

    public Func<PortalCall, Task<HttpResponseMessage>> Respond { get; set; } = _ => Task.FromResult(Answer("0", "Thành công"));

    public IReadOnlyList<PortalCall> Calls { get { lock (_calls) return _calls.ToList(); } }

    public static HttpResponseMessage Answer(string errorCode, string? message) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string?> { ["error_code"] = errorCode, ["message"] = message }),
            Encoding.UTF8, "application/json"),
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Assert.Equal(HttpMethod.Post, request.Method);
        var path = request.RequestUri!.AbsolutePath;
        Assert.StartsWith("/portal/dossiers/", path, StringComparison.Ordinal);
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        using var json = JsonDocument.Parse(body);
        var call = new PortalCall(path["/portal/dossiers/".Length..],
            request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null, json.RootElement.Clone());
        lock (_calls) _calls.Add(call);
        return await Respond(call);
    }
}
