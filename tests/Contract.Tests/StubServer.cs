using System.Net;
using System.Text;

namespace Procedures.Contract.Tests;

/// <summary>Answers every request with the status, media type and body it is given (no network).</summary>
internal sealed class StubServer(HttpStatusCode status, string? mediaType = null, string? body = null) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = new HttpResponseMessage(status) { RequestMessage = request };
        if (body is not null) response.Content = new StringContent(body, Encoding.UTF8, mediaType ?? "application/json");
        return Task.FromResult(response);
    }
}
