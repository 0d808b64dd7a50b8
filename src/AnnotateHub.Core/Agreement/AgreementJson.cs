using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AnnotateHub.Core.Agreement;

/// <summary>The report's JSON: snake_case keys, nulls written (an undefined measure is null, not missing), label names as given.</summary>
public static class AgreementJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    public static string Serialize(AgreementReport report) => JsonSerializer.Serialize(report, Options);

    public static Task SerializeAsync(Stream output, AgreementReport report, CancellationToken ct = default) =>
        JsonSerializer.SerializeAsync(output, report, Options, ct);
}
