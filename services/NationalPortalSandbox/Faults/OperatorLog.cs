using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Procedures.Sandbox.Faults;

/// <summary>One operator action at the sandbox: which switch, the settings asked for, applied or refused, from where, when.</summary>
public sealed record OperatorAction(DateTimeOffset At, string Action, string Outcome, string? From, string? TraceId, JsonElement Settings);

/// <summary>
/// The sandbox's record of operator actions (the fault switches). The sandbox stands in for external systems and keeps no
/// database, so it has no audit log of its own: each action is written to the structured log (exported with the other
/// services' telemetry, the durable record) and kept in memory, newest last, for GET /sandbox/operator-log (a test or an
/// operator sees at once who switched what). Bounded: only the latest <see cref="Capacity"/> are kept in memory.
/// </summary>
public sealed class OperatorLog(TimeProvider time, ILogger<OperatorLog> logger)
{
    public const int Capacity = 500;

    // A refused setting may hold a number JSON cannot write (1e309 reads as infinity); it is recorded as named.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly ConcurrentQueue<OperatorAction> _actions = new();

    public void Record<T>(HttpContext http, string action, string outcome, T settings)
    {
        var entry = new OperatorAction(time.GetUtcNow(), action, outcome, http.Connection.RemoteIpAddress?.ToString(),
            System.Diagnostics.Activity.Current?.TraceId.ToString(), JsonSerializer.SerializeToElement(settings, Json));
        _actions.Enqueue(entry);
        while (_actions.Count > Capacity && _actions.TryDequeue(out _)) { }
        logger.LogWarning("Operator action {Action} {Outcome} from {From}: {Settings}", action, outcome, entry.From, entry.Settings.GetRawText());
    }

    /// <summary>The kept actions, newest first.</summary>
    public IReadOnlyList<OperatorAction> Newest() => _actions.Reverse().ToList();

    public static void Map(WebApplication app)
        => app.MapGet("/sandbox/operator-log", (OperatorLog log) => TypedResults.Ok(log.Newest()))
            .WithTags("Sandbox faults").AllowAnonymous().WithName("GetOperatorLog")
            .WithSummary("Operator actions at the sandbox (fault switches), newest first; the latest 500 since start");
}
