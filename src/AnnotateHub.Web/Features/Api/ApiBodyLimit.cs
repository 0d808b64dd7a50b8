using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Import;
using AnnotateHub.Web.Features.Tokens;

namespace AnnotateHub.Web.Features.Api;

public static class ApiBodyLimit
{
    /// <summary>
    /// Requests to /api carry at most <see cref="AnnotationEndpoints.MaxBodyBytes"/>: a declared larger body is refused
    /// with 413 before it is read, and an undeclared (chunked) one stops being read at the limit. Runs before the
    /// endpoints bind their bodies, which an endpoint filter would be too late for.
    /// </summary>
    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments(ApiTokenDefaults.ApiPath))
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                // The pages' minimal endpoints (sign-out) bind too; they answer the bare status, as they did before.
                context.Response.StatusCode = e.StatusCode;
            }
            return;
        }
        try
        {
            await LimitBodyAsync(context, next);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await BindingProblem(e).ExecuteAsync(context);
        }
    });

    /// <summary>A request the endpoint could not bind, as problem details with why: a route value that is not a number,
    /// a body that is not JSON or not of the expected shape (400), a body past the limit (413).</summary>
    private static IResult BindingProblem(BadHttpRequestException e)
    {
        if (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return TypedResults.Problem($"The request body is larger than {AnnotationEndpoints.MaxBodyBytes / 1024} KiB.", statusCode: e.StatusCode, title: "Too large");
        var detail = e.InnerException switch
        {
            System.Text.Json.JsonException { Path: { Length: > 1 } path } json when json.Message.Contains("could not be converted", StringComparison.Ordinal) =>
                $"The request body has a value of the wrong type at {path} (see docs/api.md for the body's fields and their types).",
            System.Text.Json.JsonException json => $"The request body is not valid JSON ({FirstSentence(json.Message)}).",
            _ => e.Message,
        };
        return TypedResults.Problem(detail, statusCode: e.StatusCode, title: "Invalid request");
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).TrimEnd('.') + ".";
    }

    private static async Task LimitBodyAsync(HttpContext context, RequestDelegate next)
    {
        // A file upload to the import endpoint may be as large as a browser upload; everything else is small.
        var max = ImportEndpoints.IsImport(context.Request)
            ? ImportLimits.MaxUploadBytes(context.RequestServices.GetRequiredService<IConfiguration>())
            : AnnotationEndpoints.MaxBodyBytes;
        if (context.Request.ContentLength > max)
        {
            var size = max >= 1024 * 1024 ? $"{max / (1024 * 1024)} MB" : $"{max / 1024} KiB";
            await Results.Problem($"The request body is larger than {size}.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large").ExecuteAsync(context);
            return;
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }
        await next(context);
    }
}
