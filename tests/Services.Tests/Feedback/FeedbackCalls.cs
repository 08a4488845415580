using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Services.Tests.Desk;

namespace Procedures.Services.Tests.Feedback;

/// <summary>Calls to the satisfaction and feedback endpoints of a <see cref="ProcessingHost"/>, as an agency system or anonymously.</summary>
internal static class FeedbackCalls
{
    public const string Scopes = "feedback processing reception";

    public static async Task<string> ReturnedAsync(this ProcessingHost host)
    {
        var code = await host.SubmitAsync();
        foreach (var action in new[] { "accept", "start-processing", "decide" }) await host.ActOkAsync(code, action);
        return code;
    }

    public static async Task<HttpResponseMessage> PostAsync(this ProcessingHost host, string path, object? body, string? agency = ProcessingHost.Desk)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        return await host.Http.SendAsync(agency is null ? request : host.As(request, Scopes, agency));
    }

    public static async Task<HttpResponseMessage> GetAsync(this ProcessingHost host, string path, string agency = ProcessingHost.Desk)
        => await host.Http.SendAsync(host.As(new HttpRequestMessage(HttpMethod.Get, path), Scopes, agency));

    public static async Task<(int Status, JsonElement Body)> ReadAsync(this HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    public static string Slug(this JsonElement problem) => problem.GetProperty("type").GetString()!.Split(':')[^1];
}
