using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Procedures.ServiceDefaults.Security;

/// <summary>
/// Defences every service gets: strict JSON (unknown and duplicated members refused), bounded request
/// bodies, a per-client rate limit (by token client, else by address), and security headers.
/// </summary>
public static class Hardening
{
    public const string Section = "Hardening";

    public sealed class Settings
    {
        public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
        public int RequestsPerMinutePerClient { get; set; } = 1200;

        /// <summary>Anonymous lookups guessing a second factor: a tight budget per client address.</summary>
        public int PublicLookupsPerMinutePerAddress { get; set; } = 30;
    }

    /// <summary>The named rate-limit policy of public, anonymous lookups (per client address, whatever the token).</summary>
    public const string PublicLookupPolicy = "public-lookup";

    public static TBuilder AddHardening<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var settings = builder.Configuration.GetSection(Section).Get<Settings>() ?? new Settings();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.MaxDepth = 32;
        });
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
            o.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes);
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter(PartitionKey(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.RequestsPerMinutePerClient,
                    TokensPerPeriod = settings.RequestsPerMinutePerClient,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            o.AddPolicy(PublicLookupPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                "lookup-ip:" + context.Connection.RemoteIpAddress, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.PublicLookupsPerMinutePerAddress,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            o.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await ProblemWriter.WriteAsync(context.HttpContext, Problems.Create(StatusCodes.Status429TooManyRequests, "rate-limited",
                    "Quá nhiều yêu cầu, vui lòng thử lại sau", "Too many requests; retry later"), ct);
            };
        });
        return builder;
    }

    /// <summary>The token's client when authenticated (one agency system cannot starve another), else the address.</summary>
    private static string PartitionKey(HttpContext context)
        => context.User.FindFirst(Caller.ClientIdClaim)?.Value is { } client
            ? "client:" + client
            : "ip:" + context.Connection.RemoteIpAddress;

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            // Pages we serve load nothing from elsewhere (no CDN is reachable anyway); the API reference
            // UI needs its own inline bootstrap script.
            if (!context.Request.Path.StartsWithSegments("/scalar"))
                headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
            await next();
        });
        return app;
    }
}
