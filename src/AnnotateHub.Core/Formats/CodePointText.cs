using AnnotateHub.Core.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>A document text with code-point slicing: <c>Slice(start, end)</c> is Python's <c>text[start:end]</c>.</summary>
public sealed class CodePointText(string text)
{
    private readonly CodePointIndex _index = new(text);

    public string Text { get; } = text;

    /// <summary>Length in code points.</summary>
    public int Length => _index.Length;

    public string Slice(int start, int end)
    {
        var from = _index.ToUtf16(Math.Clamp(start, 0, Length));
        var to = _index.ToUtf16(Math.Clamp(end, 0, Length));
        return to > from ? Text[from..to] : "";
    }

    public int ToUtf16(int codePoint) => _index.ToUtf16(codePoint);

    public int ToCodePoint(int utf16) => _index.ToCodePoint(utf16);
}
