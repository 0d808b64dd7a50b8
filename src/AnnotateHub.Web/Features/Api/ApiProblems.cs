namespace AnnotateHub.Web.Features.Api;

/// <summary>Errors of the REST API as RFC 7807 problem details, with a sentence a person can act on.</summary>
public static class ApiProblems
{
    public static IResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");
    public static IResult Forbidden(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
    /// <summary>400: the request itself is malformed (a query option, a route value or a body that cannot be read).</summary>
    public static IResult Invalid(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");
    /// <summary>422: the request is well formed but asks for what cannot be (offsets outside the text, an unknown label).</summary>
    public static IResult Unprocessable(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Cannot be done");
    public static IResult Conflict(string detail, object? current) => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict",
        extensions: current is null ? null : new Dictionary<string, object?> { ["current"] = current });
}
