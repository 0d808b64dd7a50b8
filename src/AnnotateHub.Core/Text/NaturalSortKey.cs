using System.Text;

namespace AnnotateHub.Core.Text;

/// <summary>
/// A string that orders titles naturally when compared ordinally (as a database index compares): case folded, and
/// every run of digits padded to <see cref="DigitWidth"/> places, so "Doc 2" comes before "Doc 10". Stored beside a
/// document's title so the project page sorts by title in the database (decision 0087).
/// </summary>
public static class NaturalSortKey
{
    /// <summary>How many places a run of digits is padded to; a longer run (beyond any real number) is kept as it is.</summary>
    public const int DigitWidth = 12;

    /// <summary>The longest key, in UTF-16 code units: a longer one is cut (titles that differ only beyond it tie).</summary>
    public const int MaxLength = 600;

    /// <summary>The sort key of <paramref name="title"/>.</summary>
    public static string Of(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var key = new StringBuilder(title.Length + 16);
        var i = 0;
        while (i < title.Length && key.Length < MaxLength)
        {
            if (char.IsAsciiDigit(title[i]))
            {
                var start = i;
                while (i < title.Length && char.IsAsciiDigit(title[i])) i++;
                // Leading zeros do not change the number: "007" sorts with "7".
                var digits = title.AsSpan(start, i - start).TrimStart('0');
                if (digits.Length < DigitWidth) key.Append('0', DigitWidth - digits.Length);
                key.Append(digits);
            }
            else
            {
                key.Append(char.ToLowerInvariant(title[i]));
                i++;
            }
        }
        return key.Length > MaxLength ? key.ToString(0, MaxLength) : key.ToString();
    }
}
