using AnnotateHub.Core.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>A document text with code-point slicing: <c>Slice(start, end)</c> is Python's <c>text[start:end]</c>.</summary>
public sealed class CodePointText(string text)
{
    private readonly CodePointIndex _index = new(text);

    /// <summary>The text itself, unchanged.</summary>
    public string Text { get; } = text;

    /// <summary>Length in code points.</summary>
    public int Length => _index.Length;

    /// <summary>The text between two code-point offsets (end exclusive); offsets are clamped to the text, and an empty or reversed range gives "".</summary>
    public string Slice(int start, int end)
    {
        var from = _index.ToUtf16(Math.Clamp(start, 0, Length));
        var to = _index.ToUtf16(Math.Clamp(end, 0, Length));
        return to > from ? Text[from..to] : "";
    }

    /// <summary>The UTF-16 offset of a code-point offset; throws <see cref="ArgumentOutOfRangeException"/> outside 0..<see cref="Length"/>.</summary>
    public int ToUtf16(int codePoint) => _index.ToUtf16(codePoint);

    /// <summary>The code-point offset of a UTF-16 offset (one inside a surrogate pair maps to the pair); throws <see cref="ArgumentOutOfRangeException"/> outside the text.</summary>
    public int ToCodePoint(int utf16) => _index.ToCodePoint(utf16);
}
