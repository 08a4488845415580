using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Procedures.ServiceDefaults;

/// <summary>
/// Turns exceptions into problem details. Malformed requests (unreadable JSON, wrong types, oversized
/// bodies) are the client's fault and answer 4xx; anything else is a 500 without internals.
/// </summary>
internal sealed partial class ProblemExceptionHandler(
    IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger, Microsoft.Extensions.Hosting.IHostEnvironment environment)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => Problems.Create(bad.StatusCode, "malformed-request",
                "Yêu cầu không đọc được", "Malformed request", bad.Message),
            _ => Problems.Create(StatusCodes.Status500InternalServerError, "internal-error",
                "Lỗi hệ thống", "Internal error", environment.EnvironmentName == "Development"
                    ? $"{exception.GetType().Name}: {exception.Message}" // local development only: never in production
                    : "The error was logged with the trace id of this request."),
        };
        if (problem.Status >= 500) LogUnhandled(exception);
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context, ProblemDetails = problem, Exception = exception,
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private partial void LogUnhandled(Exception ex);
}
