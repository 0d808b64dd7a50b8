using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AnnotateHub.Core.Agreement;

/// <summary>The report's JSON: snake_case keys, nulls written (an undefined measure is null, not missing), label names as given.</summary>
public static class AgreementJson
{
    /// <summary>The serializer settings of the report: snake_case, nulls kept, relaxed escaping, indented.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    /// <summary>The report as an indented JSON string.</summary>
    public static string Serialize(AgreementReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>Writes the report as JSON to <paramref name="output"/> (UTF-8), without closing it.</summary>
    public static Task SerializeAsync(Stream output, AgreementReport report, CancellationToken ct = default) =>
        JsonSerializer.SerializeAsync(output, report, Options, ct);
}
