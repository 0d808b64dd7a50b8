using System.Globalization;

namespace AnnotateHub.Core.Text;

/// <summary>Snaps a mouse selection (UTF-16 offsets) to whole words: trims surrounding white space and
/// extends a selection that starts or ends inside a word to that word's edge.</summary>
public static class WordSnapper
{
    /// <returns>The snapped range, or null when the selection holds nothing but white space.</returns>
    public static (int Start, int End)? Snap(string text, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (start > end) (start, end) = (end, start);
        start = Math.Clamp(start, 0, text.Length);
        end = Math.Clamp(end, 0, text.Length);

        while (start < end && char.IsWhiteSpace(text[start])) start++;
        while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        if (start == end) return null;

        while (start > 0 && IsInsideWord(text, start)) start--;
        while (end < text.Length && IsInsideWord(text, end)) end++;

        // Never cut a surrogate pair or detach combining marks from their base character.
        while (start > 0 && (char.IsLowSurrogate(text[start]) || IsMark(text[start]))) start--;
        while (end < text.Length && (char.IsLowSurrogate(text[end]) || IsMark(text[end]))) end++;
        return (start, end);
    }

    /// <summary>True when the boundary at <paramref name="index"/> falls between two characters of one word.</summary>
    private static bool IsInsideWord(string text, int index)
    {
        if (index <= 0 || index >= text.Length) return false;
        var before = text[index - 1];
        var after = text[index];
        if (IsWordChar(before) && IsWordChar(after)) return true;
        // An apostrophe between letters belongs to the word: "Iraq’s", "don't".
        if (IsApostrophe(after) && IsWordChar(before) && index + 1 < text.Length && IsWordChar(text[index + 1])) return true;
        if (IsApostrophe(before) && IsWordChar(after) && index - 2 >= 0 && IsWordChar(text[index - 2])) return true;
        return false;
    }

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019';

    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || c == '_' || char.IsSurrogate(c) || IsMark(c);

    private static bool IsMark(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
