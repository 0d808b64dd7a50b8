using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace AnnotateHub.Core.Text;

/// <summary>A token: code-point offsets into the text, end exclusive.</summary>
public readonly record struct Token(int Start, int End);

/// <summary>
/// The one tokenizer of agreement metrics and token-per-line exports: the matches of <c>\w+|[^\w\s]</c>, read over code
/// points rather than UTF-16 units so that an emoji outside the BMP is one token, not two halves.
/// </summary>
/// <remarks>
/// A word character is what .NET's <c>\w</c> matches: a letter (L*), a non-spacing mark (Mn), a decimal digit (Nd)
/// or a connector (Pc). A run of word characters is one token; every other non-whitespace code point is a token of
/// its own ("U.S." is four tokens: U . S .). Offsets are code points, end exclusive, like every offset in AnnotateHub.
/// </remarks>
public static class Tokenizer
{
    /// <summary>
    /// The tokens of <paramref name="text"/> in order, with code-point offsets; whitespace is never part of a token. A lone
    /// surrogate counts as one code point and forms a token of its own.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<Token> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<Token>(text.Length / 5 + 1);
        var cp = 0;           // code-point position of the rune at i
        var wordStart = -1;   // code-point start of the current word run, or -1
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != OperationStatus.Done) rune = Rune.ReplacementChar;
            if (IsWord(rune))
            {
                if (wordStart < 0) wordStart = cp;
            }
            else
            {
                if (wordStart >= 0) { tokens.Add(new Token(wordStart, cp)); wordStart = -1; }
                if (!Rune.IsWhiteSpace(rune)) tokens.Add(new Token(cp, cp + 1));
            }
            i += Math.Max(used, 1);
            cp++;
        }
        if (wordStart >= 0) tokens.Add(new Token(wordStart, cp));
        return tokens;
    }

    /// <summary>Whether <paramref name="rune"/> is a word character (<c>\w</c>: L*, Mn, Nd or Pc).</summary>
    public static bool IsWord(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation => true,
        _ => false,
    };
}
