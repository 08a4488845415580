using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Procedures.Services.Tests;

[Trait("Kind", "Pure")]
public sealed class HttpClientDefaultsTests
{
    [Fact]
    public void A_client_held_for_the_life_of_the_process_still_retires_its_connections()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddServiceDiscovery();
        services.AddHttpClientDefaults();
        services.AddHttpClient("portal");
        using var provider = services.BuildServiceProvider();

        HttpMessageHandler? handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("portal");
        while (handler is DelegatingHandler delegating) handler = delegating.InnerHandler;

        var primary = Assert.IsType<SocketsHttpHandler>(handler);
        Assert.Equal(TimeSpan.FromMinutes(2), primary.PooledConnectionLifetime);
    }
}
