using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Procedures.ServiceDefaults.Security;

/// <summary>
/// Refuses query strings and paths carrying control characters, invisible format characters (TextInput's Cf rule) or
/// invalid Unicode before any endpoint sees them: they are never meaningful in an identifier or a search, and a NUL
/// cannot even be stored.
/// </summary>
public static class RequestTextGuard
{
    public static WebApplication UseRequestTextGuard(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var bad = context.Request.Query.SelectMany(q => q.Value.Select(v => (q.Key, Value: v)))
                .Select(q => (q.Key, Problem: TextInput.Check(q.Value, out _) is var p && p != TextInput.Problem.None ? p : TextInput.Check(q.Key, out _)))
                .FirstOrDefault(q => q.Problem != TextInput.Problem.None);
            var pathProblem = TextInput.Check(context.Request.Path.Value, out _);
            var badPath = pathProblem != TextInput.Problem.None;
            if (!KnownCharset(context.Request.ContentType))
            {
                var unsupported = Problems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                    "Bảng mã (charset) không được hỗ trợ", "The charset of the body is not supported");
                await ProblemWriter.WriteAsync(context, unsupported);
                return;
            }
            if (bad.Key is null && !badPath)
            {
                await next(context);
                return;
            }
            var field = badPath ? "path" : bad.Key!;
            var problem = Problems.Create(StatusCodes.Status400BadRequest, "invalid-characters",
                "Đường dẫn hoặc tham số chứa ký tự điều khiển, ký tự định dạng vô hình hoặc Unicode không hợp lệ",
                "The path or a parameter holds control characters, invisible format characters or invalid Unicode");
            problem.Extensions["errors"] = new[]
            {
                (badPath ? pathProblem : bad.Problem) == TextInput.Problem.FormatCharacter
                    ? new FieldError(field, "format-character", "Ký tự định dạng vô hình không hợp lệ", "Invisible format characters are not allowed")
                    : new FieldError(field, "control-character", "Ký tự không hợp lệ", "Invalid characters"),
            };
            await ProblemWriter.WriteAsync(context, problem);
        });
        return app;
    }

    private static bool KnownCharset(string? contentType)
    {
        if (contentType is null || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return true;
        if (!media.Charset.HasValue) return true;
        try
        {
            _ = System.Text.Encoding.GetEncoding(media.Charset.Value!.Trim('"'));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Every empty error answer (unknown route, unbindable parameter, 405…) becomes problem details, whatever the Accept header.</summary>
    public static WebApplication UseProblemStatusPages(this WebApplication app)
    {
        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            var status = response.StatusCode;
            var (slug, vi, en) = status switch
            {
                404 => ("not-found", "Không tìm thấy", "Not found"),
                405 => ("method-not-allowed", "Phương thức không được hỗ trợ", "Method not allowed"),
                413 => ("body-too-large", "Nội dung yêu cầu quá lớn", "The request body is too large"),
                415 => ("unsupported-media-type", "Kiểu nội dung không được hỗ trợ", "Unsupported media type"),
                401 => ("unauthenticated", "Chưa xác thực", "Not authenticated"),
                403 => ("forbidden", "Không đủ quyền", "Forbidden"),
                _ when status < 500 => ("bad-request", "Yêu cầu không hợp lệ", "Bad request"),
                _ => ("internal-error", "Lỗi hệ thống", "Internal error"),
            };
            await ProblemWriter.WriteAsync(context.HttpContext, Problems.Create(status, slug, vi, en));
        });
        return app;
    }
}
