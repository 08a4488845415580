using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.Security;
using Procedures.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one place for cross-cutting concerns: telemetry, health, service discovery, resilience,
/// OpenAPI + Scalar and problem details. Every service calls AddServiceDefaults and MapDefaultEndpoints.
/// </summary>
public static class ServiceDefaultsExtensions
{
    private const string HealthPath = "/health";
    private const string AlivePath = "/alive";

    /// <summary>Activity sources and meters of our own code and of the libraries we trace.</summary>
    public static readonly string[] TelemetrySources = ["Procedures.*", "MassTransit", "Polly"];

    /// <summary>
    /// Every HttpClient from the factory: Polly's standard resilience, service discovery, and a connection pool that retires
    /// connections after two minutes. Typed clients here live in singletons (the sync worker's portal client, the payment
    /// platform's), so the factory never rotates their handler; without a pooled lifetime they would keep talking to the
    /// address they first resolved, through a DNS change or a failover.
    /// </summary>
    public static IServiceCollection AddHttpClientDefaults(this IServiceCollection services)
        => services.ConfigureHttpClientDefaults(http =>
        {
            http.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

    /// <summary>The one problem shape for what endpoints answer and what the framework refuses (a host's middleware adds the rest).</summary>
    public static IServiceCollection AddProceduresProblems(this IServiceCollection services)
    {
        // Problems written by endpoints carry the trace id like those written by the middleware (ProblemWriter).
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => ProblemWriter.AddTraceId(c.HttpContext, c.ProblemDetails));
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddHttpContextAccessor(); // Problems.Create reads the request's identifier when no trace is running
        // A request the framework cannot read throws in every environment (not only Development), so the exception
        // handler answers it with our problem naming the member, instead of an empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddServiceDiscovery();
        builder.Services.AddHttpClientDefaults();
        builder.Services.AddProceduresProblems();
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.AddOpenApi(Procedures.ServiceDefaults.OpenApi.OpenApiSetup.Configure);
        builder.AddProceduresAuthentication();
        builder.AddHardening();
        return builder;
    }

    private static void ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetrySources))
            .WithTracing(tracing => tracing
                // Every trace in Development, a share elsewhere (TraceSampling); the caller's decision for incoming traces.
                .SetSampler(TraceSampling.Sampler(TraceSampling.Ratio(builder.Configuration, builder.Environment)))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetrySources)
                .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                    !context.Request.Path.StartsWithSegments(HealthPath) && !context.Request.Path.StartsWithSegments(AlivePath))
                .AddHttpClientInstrumentation()
                .AddNpgsql());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
    }

    /// <summary>
    /// Routing's own answers for a path that exists (405 for another method, 415 for another body type) are given before
    /// authorization: they carry no authorization metadata, so the deny-by-default policy would turn them into a misleading
    /// 401 even on a public operation. They reveal nothing a client could not see from the API description.
    /// </summary>
    private static void UseRoutingRefusalsBeforeAuthorization(this WebApplication app)
        => app.Use((context, next) => context.GetEndpoint() is { DisplayName: "405 HTTP Method Not Supported" or "415 HTTP Unsupported Media Type" } refusal
            && refusal.RequestDelegate is { } answer ? answer(context) : next(context));

    /// <summary>Middleware in order, then health (/health: everything incl. database and broker; /alive: the process), OpenAPI and Scalar.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseProblemStatusPages();
        app.UseRequestTextGuard();
        app.UseSecurityHeaders();
        app.UseRoutingRefusalsBeforeAuthorization();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        // Public: health, the API description and its reference UI.
        app.MapHealthChecks(HealthPath).AllowAnonymous();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }).AllowAnonymous();
        app.MapOpenApi("/openapi/v1.json").AllowAnonymous(); // only the one document: any other name is an ordinary 404
        app.MapScalarApiReference().AllowAnonymous();
        return app;
    }
}
