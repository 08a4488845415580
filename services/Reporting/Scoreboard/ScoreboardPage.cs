using System.Reflection;

namespace Procedures.Reporting.Scoreboard;

/// <summary>
/// The public /scoreboard page: a static page, stylesheet and script embedded in the service (nothing from a CDN), which
/// read the aggregated KPI endpoints. Served as endpoints so that they are anonymous explicitly (deny by default).
/// </summary>
public static class ScoreboardPage
{
    private static readonly (string Route, string Resource, string ContentType)[] Files =
    [
        ("/scoreboard", "scoreboard.html", "text/html; charset=utf-8"),
        ("/scoreboard/scoreboard.css", "scoreboard.css", "text/css; charset=utf-8"),
        ("/scoreboard/scoreboard.js", "scoreboard.js", "text/javascript; charset=utf-8"),
        ("/scoreboard/favicon.svg", "favicon.svg", "image/svg+xml"),
    ];

    public static IEndpointRouteBuilder MapScoreboardPage(this IEndpointRouteBuilder app)
    {
        foreach (var (route, resource, contentType) in Files)
        {
            var bytes = Read(resource);
            app.MapGet(route, () => TypedResults.Bytes(bytes, contentType)).AllowAnonymous().ExcludeFromDescription();
        }
        return app;
    }

    private static byte[] Read(string name)
    {
        var assembly = Assembly.GetExecutingAssembly();
        using var stream = assembly.GetManifestResourceStream($"Procedures.Reporting.Scoreboard.{name}")
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
