using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Procedures.Notifications.Events;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Notifications.Stream;

/// <summary>What an agency needs to read its own events from the broker; the password is shown once.</summary>
public sealed record BrokerCredentials(string Host, string VirtualHost, string Username, string Password, string Exchange,
    string QueuePrefix, string BindingKeyPrefix, string Example);

/// <summary>
/// Per-agency broker users, made through the RabbitMQ management API. The broker itself enforces isolation: the user may
/// configure, write and read only queues named with its prefix and read only the public exchange (so MassTransit's internal
/// exchanges and queues are out of reach), and its topic permission on the public exchange lets it bind only routing keys
/// that start with its own agency word (RabbitMQ checks topic "read" on queue.bind). The city's control office reads all.
/// The calls use the management account (Notifications:ManagementUser), the only one any service holds (issue 20).
/// </summary>
public sealed class BrokerAccounts(HttpClient http, BrokerConnection broker, IOptions<NotificationsOptions> options)
{
    public const string HttpClientName = "rabbitmq-management";

    /// <summary>
    /// One issuance at a time per instance: the management API may fail one of two concurrent changes to the same user
    /// (a rare 5xx seen when the fuzz test called this endpoint concurrently). Issuing is rare; queuing costs nothing.
    /// </summary>
    private static readonly SemaphoreSlim Issuing = new(1, 1);

    public static string UserName(string agency) => "agency-" + EventCatalogue.Word(agency);

    public async Task<BrokerCredentials> IssueAsync(string agency, bool allAgencies, CancellationToken ct)
    {
        await Issuing.WaitAsync(ct);
        try
        {
            return await IssueOneAsync(agency, allAgencies, ct);
        }
        finally
        {
            Issuing.Release();
        }
    }

    private async Task<BrokerCredentials> IssueOneAsync(string agency, bool allAgencies, CancellationToken ct)
    {
        var o = options.Value;
        var management = o.ManagementUrl ?? throw new InvalidOperationException("Notifications:ManagementUrl is not configured.");
        var user = UserName(agency);
        var prefix = user + ".";
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        var own = "^" + Regex.Escape(prefix);
        var agencyKeys = allAgencies ? ".*" : "^" + Regex.Escape(EventCatalogue.Word(agency)) + @"\.";

        await PutAsync(management, $"api/users/{Uri.EscapeDataString(user)}", new { password, tags = "" }, ct);
        await PutAsync(management, $"api/permissions/%2F/{Uri.EscapeDataString(user)}",
            new { configure = own, write = own, read = $"^({Regex.Escape(prefix)}.*|{Regex.Escape(o.Exchange)})$" }, ct);
        await PutAsync(management, $"api/topic-permissions/%2F/{Uri.EscapeDataString(user)}",
            new { exchange = o.Exchange, write = "^$", read = agencyKeys }, ct);
        var keyPrefix = allAgencies ? "" : EventCatalogue.Word(agency) + ".";
        return new BrokerCredentials(o.BrokerHost, "/", user, password, o.Exchange, prefix, keyPrefix,
            $"queue '{prefix}events' bound to '{o.Exchange}' with '{(allAgencies ? "#" : keyPrefix + "#")}'");
    }

    private async Task PutAsync(string management, string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(new Uri(management.TrimEnd('/') + "/"), path))
        {
            Content = JsonContent.Create(body),
        };
        var o = options.Value;
        var admin = o.ManagementUser is { Length: > 0 } user ? user + ":" + o.ManagementPassword : Uri.UnescapeDataString(broker.Uri.UserInfo);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(admin)));
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
    }
}

public static class BrokerCredentialsEndpoint
{
    public static IEndpointRouteBuilder MapBrokerCredentials(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/stream").WithTags("Public stream");
        group.MapPost("/credentials", async Task<Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<BrokerCredentials>, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>> (Caller caller, BrokerAccounts accounts, CancellationToken ct) =>
            {
                if (caller.Agency.Length == 0)
                    return Problems.Of(StatusCodes.Status403Forbidden, "no-agency",
                        "Token không gắn với cơ quan nào", "The token names no agency");
                try
                {
                    return TypedResults.Ok(await accounts.IssueAsync(caller.Agency, caller.SeesAllAgencies, ct));
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or Polly.ExecutionRejectedException && !ct.IsCancellationRequested)
                {
                    return Problems.Of(StatusCodes.Status503ServiceUnavailable, "broker-unavailable",
                        "Không tạo được tài khoản trên máy chủ sự kiện, vui lòng thử lại sau",
                        "The broker account could not be created; retry later", ex.Message);
                }
            })
            .RequireScope(Scopes.Webhooks).WithName("IssueBrokerCredentials")
            .WithSummary("Creates (or rotates) the caller's agency broker user for the public stream; the password is shown once")
            .ProducesProblems(StatusCodes.Status403Forbidden, "no-agency")
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable, "broker-unavailable");
        return app;
    }
}
