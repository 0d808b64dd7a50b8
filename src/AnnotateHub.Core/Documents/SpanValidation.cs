namespace AnnotateHub.Core.Documents;

/// <summary>Checks a span given in code points (end exclusive) against the text it annotates.</summary>
public static class SpanValidation
{
    /// <summary>The longest note a span may carry, in UTF-16 code units (<see cref="string.Length"/>).</summary>
    public const int MaxNoteLength = 4000;

    /// <returns>null when the span is valid, otherwise a message for the user.</returns>
    public static string? Check(int start, int end, int textLengthInCodePoints)
    {
        if (start < 0) return $"start {start} is negative.";
        if (end > textLengthInCodePoints) return $"end {end} is past the end of the text ({textLengthInCodePoints} code points).";
        if (start >= end) return $"start {start} must be before end {end}.";
        return null;
    }

    /// <returns>null when <paramref name="note"/> is null or at most <see cref="MaxNoteLength"/> long, otherwise a message for the user.</returns>
    public static string? CheckNote(string? note) =>
        note is { Length: > MaxNoteLength } ? $"A note is at most {MaxNoteLength} characters." : null;
}
