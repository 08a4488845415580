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

    /// <summary>PortalSync's portal client, talking to this stand-in.</summary>
    public Procedures.PortalSync.Portal.PortalClient Client()
        => new(new HttpClient(this, disposeHandler: false) { BaseAddress = new Uri("http://portal.test") });

    /// <summary>A sync worker on <paramref name="db"/> sending to this stand-in, with the given options and clock (defaults otherwise).</summary>
    public Procedures.PortalSync.Ledger.SyncWorker Worker(Npgsql.NpgsqlDataSource db, Procedures.PortalSync.Ledger.SyncOptions? options = null,
        TimeProvider? time = null)
        => new(db, Client(), time ?? TimeProvider.System, Microsoft.Extensions.Options.Options.Create(options ?? new Procedures.PortalSync.Ledger.SyncOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Procedures.PortalSync.Ledger.SyncWorker>.Instance);

    public static HttpResponseMessage Answer(string errorCode, string? message) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string?> { ["error_code"] = errorCode, ["message"] = message }),
            Encoding.UTF8, "application/json"),
    };

    /// <summary>Answers the day's list (GET /portal/dossiers?date=); an empty list unless a test says otherwise.</summary>
    public Func<Task<IReadOnlyList<object>>> List { get; set; } = () => Task.FromResult<IReadOnlyList<object>>([]);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath == "/portal/dossiers")
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(JsonSerializer.Serialize(await List()), Encoding.UTF8, "application/json"),
            };
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
