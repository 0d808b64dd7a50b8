using System.Text;

namespace AnnotateHub.Tests.Support;

/// <summary>Code-point arithmetic done the slow, obvious way (rune by rune), as an oracle for Python's str semantics.</summary>
public static class PythonText
{
    public static Rune[] Runes(string text) => text.EnumerateRunes().ToArray();

    /// <summary>What Python's <c>text[start:end]</c> gives, offsets in code points.</summary>
    public static string Slice(string text, int start, int end) =>
        string.Concat(Runes(text)[start..end].Select(r => r.ToString()));

    /// <summary>The code-point offset of a UTF-16 offset that lies on a code-point boundary.</summary>
    public static int CodePointOffset(string text, int utf16Offset) => text[..utf16Offset].EnumerateRunes().Count();
}
