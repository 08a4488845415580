using Procedures.Processing.Ratings;
using Procedures.ServiceDefaults;

namespace Procedures.Processing.Feedback;

/// <summary>Satisfaction ratings and feedback: services, the overdue scan and endpoints, as Program.cs (and tests) wire them.</summary>
public static class FeedbackSetup
{
    public static IServiceCollection AddFeedback(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<FeedbackSettings>(configuration.GetSection(FeedbackSettings.Section));
        services.AddSingleton<RatingLinks>();
        services.AddSingleton<FeedbackScan>();
        return services;
    }

    public static IEndpointRouteBuilder MapFeedback(this IEndpointRouteBuilder app)
    {
        // The agencies' feedback routes and the public ones (no account), each group with its prefix and tag.
        var agency = app.MapGroup("/api/v1/feedback").WithTags("Feedback");
        var citizen = app.MapGroup("/api/v1/public/feedback").WithTags("Public");
        agency.MapFileFeedback(citizen);
        agency.MapAnswerFeedback();
        agency.MapRateAnswer(citizen);
        agency.MapListFeedback();
        citizen.MapGet("/options", (Microsoft.Extensions.Options.IOptions<FeedbackSettings> o) => TypedResults.Ok(new Options(
                o.Value.Rating.EffectiveLevels, o.Value.Rating.EffectiveReasons, o.Value.EffectiveCategories)))
            .WithName("FeedbackOptions").AllowAnonymous()
            .WithSummary("Rating levels, reasons (when dissatisfied) and feedback categories, Vietnamese and English");
        return app;
    }

    public sealed record Options(IReadOnlyList<RatingLevel> Levels, IReadOnlyList<RatingReason> Reasons, IReadOnlyList<FeedbackCategory> Categories);
}
