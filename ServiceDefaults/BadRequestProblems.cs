using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Procedures.ServiceDefaults;

/// <summary>
/// A request the framework could not read (minimal APIs throw <see cref="BadHttpRequestException"/> for it, see
/// ThrowOnBadRequest) as our problem: the member or parameter named with the rule, never the handler's parameter
/// ("Request request") that a client knows nothing of. One type per cause, the same in every service.
/// </summary>
public static partial class BadRequestProblems
{
    public static ProblemDetails From(BadHttpRequestException bad)
    {
        switch (bad.StatusCode)
        {
            case StatusCodes.Status413PayloadTooLarge:
                return Problems.Create(413, "body-too-large", "Nội dung yêu cầu quá lớn", "The request body is too large");
            case StatusCodes.Status415UnsupportedMediaType:
                return Problems.Create(415, "unsupported-media-type", "Kiểu nội dung không được hỗ trợ", "Unsupported media type", bad.Message);
        }
        var error = FieldErrorOf(bad);
        var problem = Problems.Create(StatusCodes.Status400BadRequest, "malformed-request", "Yêu cầu không đọc được", "Malformed request",
            error is null ? "The request could not be read." : $"{error.Field}: {error.En}");
        if (error is not null) problem.Extensions["errors"] = new[] { error };
        return problem;
    }

    private static FieldError? FieldErrorOf(BadHttpRequestException bad)
    {
        for (Exception? e = bad.InnerException; e is not null; e = e.InnerException)
            if (e is JsonException json) return FromJson(json);
        if (BindFailure().Match(bad.Message) is { Success: true } bind)
        {
            var value = bind.Groups["value"].Value is { Length: > 40 } lengthy ? lengthy[..40] + "…" : bind.Groups["value"].Value;
            var type = bind.Groups["type"].Value.TrimEnd('?');
            return new FieldError(bind.Groups["name"].Value, "format", $"Giá trị \"{value}\" không đúng định dạng ({type})",
                $"The value \"{value}\" is not a valid {type}");
        }
        if (MissingParameter().Match(bad.Message) is { Success: true } missing)
            return new FieldError(missing.Groups["name"].Value, "required", "Tham số là bắt buộc", "The parameter is required");
        if (bad.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || bad.Message.Contains("no body was provided", StringComparison.Ordinal))
            return new FieldError("body", "required", "Cần nội dung JSON", "A JSON body is required");
        return null;
    }

    private static FieldError FromJson(JsonException json)
    {
        var field = json.Path is { Length: > 0 } path ? path.TrimStart('$').TrimStart('.') : "body";
        if (field.Length == 0) field = "body";
        var message = json.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
            return new FieldError(field, "unknown-member", "Trường không được hỗ trợ", "This member is not part of the request");
        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
            return new FieldError(field, "duplicate-member", "Trường bị lặp lại", "This member appears more than once");
        if (message.Contains("could not be converted", StringComparison.Ordinal))
            return new FieldError(field, "type", "Giá trị sai kiểu dữ liệu", "The value has the wrong type");
        if (message.Contains("depth", StringComparison.OrdinalIgnoreCase))
            return new FieldError(field, "max-depth", "JSON lồng nhau quá sâu", "The JSON is nested too deeply");
        return new FieldError(field, "syntax", "JSON không hợp lệ", "The JSON is not well-formed");
    }

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^ "]+) (?<name>[^ "]+)" from "(?<value>.*)"\.?$""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex("""^Required parameter "(?<type>[^ "]+) (?<name>[^ "]+)" was not provided""")]
    private static partial Regex MissingParameter();
}
