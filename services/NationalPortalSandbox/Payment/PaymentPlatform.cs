using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Procedures.Sandbox.Payment;

/// <summary>Registers and maps the stand-in national payment platform.</summary>
public static class PaymentPlatform
{
    public static IHostApplicationBuilder AddPaymentPlatform(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<PlatformSettings>(builder.Configuration.GetSection(PlatformSettings.Section));
        builder.Services.AddSingleton<PlatformStore>();
        builder.Services.AddSingleton<PaymentFaultSwitch>();
        builder.Services.TryAddSingleton<Faults.OperatorLog>(); // its fault switch is an operator action on record
        builder.Services.AddSingleton<CallbackSender>();
        builder.Services.AddHttpClient(CallbackSender.ClientName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    public static WebApplication MapPaymentPlatform(this WebApplication app)
    {
        PlatformEndpoints.Map(app);
        PayPage.Map(app);
        PaymentFaultSwitch.Map(app);
        return app;
    }
}
