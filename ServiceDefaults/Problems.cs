using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Procedures.ServiceDefaults;

/// <summary>One field that broke one rule, said in Vietnamese and English.</summary>
public sealed record FieldError(string Field, string Rule, string Vi, string En);

/// <summary>
/// RFC 9457 problem details with a stable <c>type</c> per error. Titles and messages carry Vietnamese and
/// English, because the readers are Vietnamese officials and integrators alike.
/// </summary>
public static class Problems
{
    public const string TypePrefix = "urn:procedures:problem:";

    public static ProblemDetails Create(int status, string slug, string titleVi, string titleEn, string? detail = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypePrefix + slug,
            Title = $"{titleVi} / {titleEn}",
            Detail = detail,
        };
        problem.Extensions["title_vi"] = titleVi;
        problem.Extensions["title_en"] = titleEn;
        // The trace id of the request being answered: the one the dashboard shows, else the request's own identifier (the
        // accessor's holder is static, so any instance sees the current request). ProblemWriter sets it again for the
        // problems it writes.
        if ((System.Diagnostics.Activity.Current?.TraceId.ToString() ?? new HttpContextAccessor().HttpContext?.TraceIdentifier) is { } traceId)
            problem.Extensions["traceId"] = traceId;
        return problem;
    }

    /// <summary>
    /// The typed answer of one problem, for handlers: a <see cref="ProblemHttpResult"/> is one case of their
    /// <c>Results&lt;…&gt;</c> union, so no handler casts or falls back to <c>IResult</c>.
    /// </summary>
    public static ProblemHttpResult Of(int status, string slug, string titleVi, string titleEn, string? detail = null)
        => TypedResults.Problem(Create(status, slug, titleVi, titleEn, detail));

    /// <summary>400 naming every field and the rule it broke (in <c>errors</c>), Vietnamese and English.</summary>
    public static ProblemHttpResult Validation(IReadOnlyList<FieldError> errors, string slug = "validation")
    {
        var problem = Create(StatusCodes.Status400BadRequest, slug, "Dữ liệu không hợp lệ", "Invalid input",
            string.Join("; ", errors.Select(e => $"{e.Field}: {e.En}")));
        problem.Extensions["errors"] = errors;
        return TypedResults.Problem(problem);
    }

    /// <summary>The typed answer of a problem built with <see cref="Create"/> and given further members.</summary>
    public static ProblemHttpResult Result(ProblemDetails problem) => TypedResults.Problem(problem);
}
