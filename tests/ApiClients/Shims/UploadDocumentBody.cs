using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Procedures.ApiClients.Intake.Models;

namespace Procedures.ApiClients.Intake.Api.V1.Documents;

// A gap in the document, not in the client: UploadDocument (POST /api/v1/documents) in docs/openapi/intake.json has no
// requestBody (the multipart form is told only in prose), so Kiota generates PostAsync() without a body. This gives the
// generated request (URL, Accept, authentication, response model) the body Kiota would generate for a multipart/form-data
// requestBody, with the same signature: once the document describes the body, Kiota's instance method wins over this
// extension at every call site, and this file can go.

public partial class DocumentsRequestBuilder
{
    internal IRequestAdapter Adapter => RequestAdapter;
}

public static class UploadDocumentBody
{
    public static async Task<UploadResponse?> PostAsync(this DocumentsRequestBuilder documents, MultipartBody body,
        Action<RequestConfiguration<DefaultQueryParameters>>? requestConfiguration = default, CancellationToken cancellationToken = default)
    {
        var request = documents.ToPostRequestInformation(requestConfiguration);
        request.SetContentFromParsable(documents.Adapter, "multipart/form-data", body);
        var problems = new Dictionary<string, ParsableFactory<IParsable>>
        {
            ["4XX"] = Problem.CreateFromDiscriminatorValue, ["5XX"] = Problem.CreateFromDiscriminatorValue,
        };
        return await documents.Adapter.SendAsync(request, UploadResponse.CreateFromDiscriminatorValue, problems, cancellationToken).ConfigureAwait(false);
    }
}
