using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Procedures.ServiceDefaults;

/// <summary>
/// Turns exceptions into problem details. Malformed requests (unreadable JSON, wrong types, oversized
/// bodies) are the client's fault and answer 4xx; anything else is a 500 without internals.
/// </summary>
internal sealed partial class ProblemExceptionHandler(
    ILogger<ProblemExceptionHandler> logger, Microsoft.Extensions.Hosting.IHostEnvironment environment)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => Problems.Create(bad.StatusCode, "malformed-request",
                "Yêu cầu không đọc được", "Malformed request", bad.Message),
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
            _ => Problems.Create(StatusCodes.Status500InternalServerError, "internal-error",
                "Lỗi hệ thống", "Internal error", environment.EnvironmentName == "Development"
                    ? $"{exception.GetType().Name}: {exception.Message}" // local development only: never in production
                    : "The error was logged with the trace id of this request."),
        };
        if (problem.Status >= 500) LogUnhandled(exception);
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Response.StatusCode = problem.Status!.Value;
        // Written directly rather than through content negotiation: an Accept header asking for XML or HTML must
        // still get problem details, never an empty body.
        await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private partial void LogUnhandled(Exception ex);
}
