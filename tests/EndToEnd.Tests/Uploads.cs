using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Procedures.EndToEnd.Tests;

/// <summary>Documents as an agency system uploads them before the submission that references them.</summary>
public static class Uploads
{
    /// <summary>A 1×1 PNG: the smallest file the sniffer accepts as an image.</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>Uploads <see cref="Png"/> as a digitised document of the token's agency; the 201 answer's body.</summary>
    public static async Task<JsonElement> PngAsync(HttpClient intake, string token)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "to-khai.png");
        form.Add(new StringContent("true"), "digitised");
        using var response = await intake.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = form }.WithToken(token));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
