using System.Net;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary.Extensions;

namespace Procedures.EndToEnd.Tests.GeneratedClients;

/// <summary>
/// What a generated call does not return: the status code (201 vs 200, 204) and whether an Authorization header left.
/// Add one to a call's options (<c>c.Options.Add(exchange)</c>); <see cref="ExchangeRecorder"/> fills it in.
/// </summary>
public sealed class ExchangeOption : IRequestOption
{
    public HttpStatusCode? Status { get; set; }

    public bool SentAuthorization { get; set; }
}

/// <summary>The last handler before the network, so it sees the request as sent (token included) and the answer as received.</summary>
public sealed class ExchangeRecorder : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.GetRequestOption<ExchangeOption>() is { } exchange)
        {
            exchange.Status = response.StatusCode;
            exchange.SentAuthorization = request.Headers.Authorization is not null;
        }
        return response;
    }
}
