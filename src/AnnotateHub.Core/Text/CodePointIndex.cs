using System.Runtime.CompilerServices;

namespace AnnotateHub.Core.Text;

/// <summary>
/// Converts between the code-point offsets every user-facing interface uses (Python's <c>text[start:end]</c>)
/// and the UTF-16 offsets .NET strings and the browser use internally.
/// </summary>
/// <remarks>
/// Only surrogate pairs make the two differ, so the index stores the UTF-16 positions of the pairs and
/// converts with a binary search: O(log n) per offset, no allocation for BMP-only text.
/// </remarks>
public sealed class CodePointIndex
{
    private readonly int[] _pairStarts; // UTF-16 index of the high surrogate of each pair, ascending

    /// <summary>
    /// Indexes the surrogate pairs of <paramref name="text"/>; a lone surrogate counts as one code point. The index keeps
    /// no reference to the text.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CodePointIndex(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Utf16Length = text.Length;
        var pairs = new List<int>();
        for (var i = 0; i < text.Length - 1; i++)
        {
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                pairs.Add(i);
                i++;
            }
        }
        _pairStarts = pairs.ToArray();
        Length = Utf16Length - _pairStarts.Length;
    }

    /// <summary>Length of the text in code points.</summary>
    public int Length { get; }

    /// <summary>Length of the text in UTF-16 code units.</summary>
    public int Utf16Length { get; }

    /// <summary>Code-point offset of a UTF-16 offset; an offset inside a surrogate pair maps to the pair's code point.</summary>
    public int ToCodePoint(int utf16Offset)
    {
        if (utf16Offset < 0 || utf16Offset > Utf16Length)
        {
            throw new ArgumentOutOfRangeException(nameof(utf16Offset), utf16Offset, $"UTF-16 offset must be within 0..{Utf16Length}.");
        }
        // Pairs that start strictly before the offset each contribute one extra code unit.
        var pairsBefore = LowerBound(_pairStarts, utf16Offset);
        // An offset inside a pair (at its low surrogate) counts the pair too, so it maps to the pair's own code point.
        return utf16Offset - pairsBefore;
    }

    /// <summary>UTF-16 offset of a code-point offset.</summary>
    public int ToUtf16(int codePointOffset)
    {
        if (codePointOffset < 0 || codePointOffset > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(codePointOffset), codePointOffset, $"Code-point offset must be within 0..{Length}.");
        }
        // Find the number of pairs k whose code-point position (pairStart - index) is below the offset.
        int lo = 0, hi = _pairStarts.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_pairStarts[mid] - mid < codePointOffset) lo = mid + 1; else hi = mid;
        }
        return codePointOffset + lo;
    }

    private static int LowerBound(int[] values, int value)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (values[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
