using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Procedures.ServiceDefaults;

/// <summary>
/// Turns exceptions into problem details. Malformed requests (unreadable JSON, wrong types, oversized
/// bodies) are the client's fault and answer 4xx; a database that is busy or out of reach answers 503 with
/// Retry-After; anything else is a 500 without internals.
/// </summary>
public sealed partial class ProblemExceptionHandler(
    ILogger<ProblemExceptionHandler> logger, Microsoft.Extensions.Hosting.IHostEnvironment environment)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => BadRequestProblems.From(bad),
            InvalidDataException bad => Problems.Create(StatusCodes.Status400BadRequest, "malformed-request",
                "Yêu cầu không đọc được", "Malformed request", bad.Message),
            // Postgres class 22 (data exception: value out of range, invalid text, NUL…) is the input's fault, and the
            // transaction it happened in rolled back: nothing was written. Class 23 is a conflict with stored data.
            Npgsql.PostgresException { SqlState: var state } when state.StartsWith("22", StringComparison.Ordinal) =>
                Problems.Create(StatusCodes.Status400BadRequest, "invalid-data", "Dữ liệu không lưu được (giá trị không hợp lệ)",
                    "The data cannot be stored (invalid value)", $"SQLSTATE {state}"),
            Npgsql.PostgresException { SqlState: var state } when state.StartsWith("23", StringComparison.Ordinal) =>
                Problems.Create(StatusCodes.Status409Conflict, "conflict", "Xung đột với dữ liệu đã có", "Conflicts with stored data",
                    $"SQLSTATE {state}"),
            // Timeouts (a lock queue longer than the command timeout under load), broken connections, no primary to connect
            // to or a read-only one (a failover under way), too many clients, serialization failures, deadlocks: the transaction did not commit (or, for a timeout at commit, the
            // Idempotency-Key replays what did), so the caller should retry, not report a fault.
            _ when Messaging.DatabaseFailures.ShouldRetryLater(exception) => Problems.Create(StatusCodes.Status503ServiceUnavailable, "database-busy",
                "Hệ thống đang bận, vui lòng gửi lại sau giây lát (với cùng Idempotency-Key)",
                "The database is busy or out of reach; retry shortly with the same Idempotency-Key"),
            _ => Problems.Create(StatusCodes.Status500InternalServerError, "internal-error",
                "Lỗi hệ thống", "Internal error", environment.EnvironmentName == "Development"
                    ? $"{exception.GetType().Name}: {exception.Message}" // local development only: never in production
                    : "The error was logged with the trace id of this request."),
        };
        if (problem.Status >= 500) LogUnhandled(exception);
        if (problem.Status == StatusCodes.Status503ServiceUnavailable) context.Response.Headers.RetryAfter = "2";
        // Written directly rather than through content negotiation: an Accept header asking for XML or HTML must
        // still get problem details, never an empty body.
        await ProblemWriter.WriteAsync(context, problem, cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private partial void LogUnhandled(Exception ex);
}
