namespace Procedures.Intake.Failover;

public static class FailoverRegistration
{
    /// <summary>The recently-accepted window and the check that compares it with the primary after a failover.</summary>
    public static void AddLostAtFailoverCheck(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(FailoverOptions.Section);
        builder.Services.Configure<FailoverOptions>(section);
        builder.Services.AddSingleton(new RecentlyAccepted(section.Get<FailoverOptions>()?.Remember ?? new FailoverOptions().Remember));
        builder.Services.AddHostedService<LostAtFailoverCheck>();
    }
}
