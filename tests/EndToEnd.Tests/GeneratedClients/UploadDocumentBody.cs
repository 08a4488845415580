using System.Reflection;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Procedures.ApiClients.Intake.Api.V1.Documents;
using Procedures.ApiClients.Intake.Models;

namespace Procedures.EndToEnd.Tests.GeneratedClients;

/// <summary>
/// A gap in the document, not in the client: UploadDocument (POST /api/v1/documents) in docs/openapi/intake.json has no
/// requestBody (the multipart form is told only in prose), so Kiota generates <c>PostAsync()</c> without a body. This
/// gives the generated request (URL, Accept, authentication, response model) the body Kiota would generate for a
/// multipart/form-data requestBody, with the same signature: once the document describes the body, Kiota's instance
/// method wins over this extension at the call site, and this file can go. (Here, not in tests/ApiClients: that
/// project must compile from whatever the committed documents are.)
/// </summary>
public static class UploadDocumentBody
{
    // BaseRequestBuilder keeps its adapter protected; the generated builders expose no other way to send a request of theirs.
    private static readonly PropertyInfo Adapter = typeof(BaseRequestBuilder).GetProperty("RequestAdapter", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingMemberException(nameof(BaseRequestBuilder), "RequestAdapter");

    public static async Task<UploadResponse?> PostAsync(this DocumentsRequestBuilder documents, MultipartBody body,
        Action<RequestConfiguration<DefaultQueryParameters>>? requestConfiguration = default, CancellationToken cancellationToken = default)
    {
        var adapter = (IRequestAdapter)Adapter.GetValue(documents)!;
        var request = documents.ToPostRequestInformation(requestConfiguration);
        request.SetContentFromParsable(adapter, "multipart/form-data", body);
        var problems = new Dictionary<string, ParsableFactory<IParsable>>
        {
            ["4XX"] = Problem.CreateFromDiscriminatorValue, ["5XX"] = Problem.CreateFromDiscriminatorValue,
        };
        return await adapter.SendAsync(request, UploadResponse.CreateFromDiscriminatorValue, problems, cancellationToken);
    }
}
