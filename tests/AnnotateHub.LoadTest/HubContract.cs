using System.Text.Json;
using System.Text.Json.Serialization;

namespace AnnotateHub.LoadTest;

// The hub's wire contract as documented in docs/realtime.md (JSON, camelCase: the SignalR default).
// The tool keeps its own copies so it can run against any server that speaks the contract.

/// <summary>What JoinDocument returns: a snapshot (annotations) or a catch-up (changes after a sequence).</summary>
public sealed record JoinResult(
    int DocumentId,
    int ProjectId,
    long Sequence,
    bool Snapshot,
    IReadOnlyList<AnnotationDto>? Annotations,
    IReadOnlyList<ChangeDto>? Changes,
    IReadOnlyList<LabelDto>? Labels,
    IReadOnlyList<ViewerDto>? Viewers);

/// <summary>A committed create, update or delete, as the <c>Change</c> event carries it.</summary>
public sealed record ChangeDto(
    int DocumentId,
    long Sequence,
    [property: JsonConverter(typeof(StringOrNumberConverter))] string? Kind,
    string? UserId,
    DateTimeOffset? At,
    AnnotationDto? Annotation);

public sealed record AnnotationDto(
    long Id,
    int DocumentId,
    string? AnnotatorId,
    string? Annotator,
    int Start,
    int End,
    int LabelId,
    string? Label,
    string? Note,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    int Version);

public sealed record LabelDto(int Id, string Name, string? Color, string? Hotkey);

public sealed record ViewerDto(string? UserId, string? Name, string? Initials, string? Activity);

/// <summary>Label by name (case-insensitive) or by id.</summary>
public sealed record CreateAnnotationRequest(int DocumentId, int Start, int End, string? Label, int? LabelId, string? Note);

/// <summary>Codes: ok | invalid | not_found | forbidden | conflict.</summary>
public sealed record MutationResult(bool Ok, string? Code, string? Error, ChangeDto? Change, AnnotationDto? Current);

/// <summary>
/// Reads a JSON string or number as text: the contract says <c>"kind": "created"</c>, and an enum serialized
/// as a number must not make every event fail to bind (which would look like lost events).
/// </summary>
public sealed class StringOrNumberConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => reader.TryGetInt64(out var n) ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : reader.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
            JsonTokenType.Null => null,
            _ => throw new JsonException($"Expected a string or a number, found {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else writer.WriteStringValue(value);
    }
}

/// <summary>Label and note replace the current ones (a null note clears it); refused unless ExpectedVersion is current.</summary>
public sealed record UpdateAnnotationRequest(long AnnotationId, int ExpectedVersion, string? Label, int? LabelId, string? Note);
