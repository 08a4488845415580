using Microsoft.Extensions.Options;

namespace Procedures.Intake.Failover;

public static class FailoverRegistration
{
    /// <summary>The recently-accepted window and the check that compares it with the primary after a failover.</summary>
    public static void AddLostAtFailoverCheck(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<FailoverOptions>(builder.Configuration.GetSection(FailoverOptions.Section));
        builder.Services.AddSingleton(sp => new RecentlyAccepted(sp.GetRequiredService<IOptions<FailoverOptions>>().Value.Remember));
        builder.Services.AddHostedService<LostAtFailoverCheck>();
    }
}
