using System.Diagnostics;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Procedures.Payment.Platform;

/// <summary>
/// Every call to the payment platform goes through this Polly pipeline, instead of the standard handler that
/// ServiceDefaults gives other clients: a total timeout, retries with exponential backoff and jitter (all messages
/// are idempotent, so POSTs are retried too), a circuit breaker, and a per-attempt timeout. Each retry, timeout and
/// breaker change is added as an event to the current span ("payment-platform TYPE") and logged, so the Aspire
/// dashboard's trace shows why a call took long or failed fast.
/// </summary>
public static partial class PlatformResilience
{
    public const string PipelineName = "payment-platform";

    /// <summary>
    /// The span of the message being sent, carried on the request: Polly runs some callbacks (the circuit breaker's) on
    /// its own thread, where Activity.Current is not the caller's.
    /// </summary>
    public static readonly HttpRequestOptionsKey<Activity> SpanKey = new("procedures.payment.span");

    public static IHttpClientBuilder AddPaymentPlatformClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PlatformSettings>(configuration.GetSection(PlatformSettings.Section));
        var builder = services.AddHttpClient<PlatformClient>((sp, http) =>
        {
            var settings = sp.GetRequiredService<IOptions<PlatformSettings>>().Value;
            http.BaseAddress = settings.BaseAddress;
            http.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's timeouts rule
        });
#pragma warning disable EXTEXP0001 // evaluation API; the alternative is two stacked pipelines (the standard one from ServiceDefaults and ours)
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.AddResilienceHandler(PipelineName, (pipeline, context) =>
        {
            var s = context.ServiceProvider.GetRequiredService<IOptions<PlatformSettings>>().Value;
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PlatformResilience).FullName!);
            pipeline.AddTimeout(new HttpTimeoutStrategyOptions
            {
                Name = "total-timeout",
                Timeout = s.TotalTimeout,
                OnTimeout = args => Note(logger, args.Context, "timeout", ("scope", "total"), ("timeout_ms", args.Timeout.TotalMilliseconds)),
            });
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "retry",
                MaxRetryAttempts = s.MaxRetries,
                Delay = s.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args => Note(logger, args.Context, "retry", ("attempt", args.AttemptNumber + 1), ("delay_ms", args.RetryDelay.TotalMilliseconds),
                    ("outcome", args.Outcome.Exception?.GetType().Name ?? ((int?)args.Outcome.Result?.StatusCode)?.ToString())),
            });
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                Name = "circuit-breaker",
                FailureRatio = s.BreakerFailureRatio,
                MinimumThroughput = s.BreakerMinimumThroughput,
                SamplingDuration = s.BreakerSamplingDuration,
                BreakDuration = s.BreakDuration,
                OnOpened = args => Note(logger, args.Context, "circuit-opened", ("break_ms", args.BreakDuration.TotalMilliseconds)),
                OnHalfOpened = args => Note(logger, args.Context, "circuit-half-opened"),
                OnClosed = args => Note(logger, args.Context, "circuit-closed"),
            });
            pipeline.AddTimeout(new HttpTimeoutStrategyOptions
            {
                Name = "attempt-timeout",
                Timeout = s.AttemptTimeout,
                OnTimeout = args => Note(logger, args.Context, "timeout", ("scope", "attempt"), ("timeout_ms", args.Timeout.TotalMilliseconds)),
            });
        });
        return builder;
    }

    /// <summary>Adds a "resilience.{name}" event to the span of the message being sent and logs it.</summary>
    private static ValueTask Note(ILogger logger, ResilienceContext context, string name, params (string Key, object? Value)[] tags)
    {
        var eventTags = new ActivityTagsCollection(tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)));
        var span = context.GetRequestMessage()?.Options.TryGetValue(SpanKey, out var carried) == true ? carried : Activity.Current;
        span?.AddEvent(new ActivityEvent("resilience." + name, tags: eventTags));
        LogEvent(logger, name, string.Join(", ", tags.Select(t => $"{t.Key}={t.Value}")));
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment platform resilience: {Event} {Detail}")]
    private static partial void LogEvent(ILogger logger, string @event, string detail);
}
