using System.Globalization;
using System.Text.RegularExpressions;

namespace AnnotateHub.Core.Recognizers;

/// <summary>A casualty figure found in a text: its UTF-16 range, its words, and the attributes it states.</summary>
/// <param name="Start">Where it starts in the text (UTF-16).</param>
/// <param name="End">Where it ends (UTF-16, exclusive).</param>
/// <param name="Text">Its words.</param>
/// <param name="Attributes">By the demo label's attribute names (count, status, who, qualifier); count is absent when
/// the text gives no number ("several").</param>
public sealed record RecognizedFigure(int Start, int End, string Text, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// Finds casualty figures (issue 19): a number, a number word or a vague quantity ("dozens", "several") next to a
/// casualty word, with the count, the status (killed, injured, missing, none, unknown), who and the qualifier (exact,
/// at least, more than, nearly, up to, vague) filled in. Two shapes: the figure, then within its sentence the casualty
/// word ("at least ten US soldiers were injured"), or a casualty verb, then the figure ("martyred more than 39,600
/// people"). Its results are suggestions: nobody's work until someone accepts them.
/// </summary>
public static partial class CasualtyRecognizer
{
    /// <summary>The recognizer's name, as its suggestions give it.</summary>
    public const string Name = "casualty recognizer";

    private const int Window = 8; // tokens after the figure in which its casualty word may come
    private const int MaxWho = 4;

    private sealed record Token(int Start, int End, string Text)
    {
        public string Lower { get; } = Text.ToLowerInvariant();
    }

    private static readonly Dictionary<string, int> Units = new(StringComparer.Ordinal)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8,
        ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["thirteen"] = 13, ["fourteen"] = 14, ["fifteen"] = 15,
        ["sixteen"] = 16, ["seventeen"] = 17, ["eighteen"] = 18, ["nineteen"] = 19, ["twenty"] = 20, ["thirty"] = 30,
        ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60, ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90, ["dozen"] = 12,
        ["hundred"] = 100,
    };

    private static readonly HashSet<string> Vague = new(StringComparer.Ordinal) { "several", "dozens", "scores", "hundreds", "thousands", "many", "numerous" };

    private static readonly Dictionary<string, string> Status = new(StringComparer.Ordinal)
    {
        ["killed"] = "killed", ["dead"] = "killed", ["died"] = "killed", ["deaths"] = "killed", ["killing"] = "killed", ["martyred"] = "killed",
        ["injured"] = "injured", ["wounded"] = "injured", ["hurt"] = "injured", ["injuries"] = "injured", ["injuring"] = "injured", ["wounding"] = "injured",
        ["missing"] = "missing",
        ["casualties"] = "unknown", ["casualty"] = "unknown",
    };

    // Verbs that come before the figure they count ("killed four members").
    private static readonly HashSet<string> VerbsBefore = new(StringComparer.Ordinal) { "killed", "killing", "martyred", "injured", "wounded", "injuring", "wounding" };

    // What a number next to a casualty word may count that is not people.
    private static readonly HashSet<string> NotPeople = new(StringComparer.Ordinal)
    {
        "days", "day", "hours", "hour", "weeks", "week", "months", "month", "years", "year", "minutes", "times", "kilometers",
        "kilometres", "km", "miles", "meters", "metres", "percent", "rockets", "missiles", "drones", "attacks", "strikes",
    };

    // Words that end "who" after the figure.
    private static readonly HashSet<string> EndsWho = new(StringComparer.Ordinal)
    {
        "were", "was", "are", "is", "have", "has", "had", "been", "being", "suffered", "reportedly", "in", "on", "at", "during", "and", "of",
        "or", "who", "that", "after", "when", "while", "as", "by", "from", "with",
    };

    /// <summary>The casualty figures in <paramref name="text"/>, in order, none overlapping.</summary>
    public static IReadOnlyList<RecognizedFigure> Find(string text)
    {
        var tokens = TokenPattern().Matches(text).Select(m => new Token(m.Index, m.Index + m.Length, m.Value)).ToList();
        var found = new List<RecognizedFigure>();
        var after = -1; // the last token a figure used
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i <= after || Quantity(tokens, i) is not { } quantity) continue;
            var first = QualifierStart(tokens, i, text, out var qualifier);
            if (quantity.Vague) qualifier = "vague";
            var last = i + quantity.Length - 1;

            // A casualty verb just before the figure (and its qualifier): the figure, then who.
            if (first > 0 && VerbsBefore.Contains(tokens[first - 1].Lower) && SameClause(text, tokens[first - 1], tokens[first]) && quantity.Count != 0)
            {
                var whoEnd = WhoEnd(tokens, last + 1, text);
                var end = whoEnd >= 0 ? whoEnd : last;
                found.Add(Make(text, tokens, first, end, quantity, Status[tokens[first - 1].Lower], qualifier, whoEnd >= 0 ? last + 1 : -1, whoEnd));
                after = end;
                continue;
            }
            // A number of days, kilometres or times counts no one.
            if (last + 1 < tokens.Count && NotPeople.Contains(tokens[last + 1].Lower)) continue;
            // The figure, then its casualty word within the sentence ("injuring" acts on what follows it, not on the figure).
            for (var j = last + 1; j < tokens.Count && j <= last + Window; j++)
            {
                if (!SameSentence(text, tokens[j - 1], tokens[j]) || Quantity(tokens, j) is not null) break;
                if (VerbsBefore.Contains(tokens[j].Lower) && tokens[j].Lower.EndsWith("ing", StringComparison.Ordinal)) break;
                if (!Status.TryGetValue(tokens[j].Lower, out var status)) continue;
                if (quantity.Count == 0) status = "none";
                var whoEnd = WhoEnd(tokens, last + 1, text, stopAt: j);
                found.Add(Make(text, tokens, first, j, quantity, status, qualifier, whoEnd >= 0 ? last + 1 : -1, whoEnd));
                after = j;
                break;
            }
        }
        return found;
    }

    private sealed record Amount(int? Count, int Length, bool Vague);

    /// <summary>A figure starting at token <paramref name="i"/>: digits, number words, "a dozen", a vague word or "no".</summary>
    private static Amount? Quantity(List<Token> tokens, int i)
    {
        var t = tokens[i].Lower;
        if (char.IsAsciiDigit(t[0]))
        {
            var digits = t.Replace(",", "", StringComparison.Ordinal);
            return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? new Amount(n, 1, false) : null;
        }
        if (Vague.Contains(t)) return new Amount(null, 1, true);
        if (t == "no" && i + 1 < tokens.Count && Status.TryGetValue(tokens[i + 1].Lower, out var s) && s is "injured" or "unknown" or "killed" && tokens[i + 1].Lower.EndsWith('s'))
            return new Amount(0, 1, false);
        if ((t == "a" || t == "an") && i + 1 < tokens.Count && tokens[i + 1].Lower is "dozen" or "hundred") return new Amount(Units[tokens[i + 1].Lower], 2, false);
        if (t.Split('-') is [var tens, var unit] && Units.TryGetValue(tens, out var a) && Units.TryGetValue(unit, out var b) && a >= 20 && b < 10) return new Amount(a + b, 1, false);
        return Units.TryGetValue(t, out var u) && t != "hundred" ? new Amount(u, 1, false) : null;
    }

    /// <summary>Where the figure starts with its qualifier ("at least", "more than", "nearly", "up to", "about").</summary>
    private static int QualifierStart(List<Token> tokens, int i, string text, out string qualifier)
    {
        qualifier = "exact";
        string Lower(int k) => k >= 0 ? tokens[k].Lower : "";
        bool Joined(int k) => SameClause(text, tokens[k], tokens[k + 1]);
        if (i >= 2 && Joined(i - 2) && Joined(i - 1))
        {
            var two = Lower(i - 2) + " " + Lower(i - 1);
            string? q = two switch { "at least" => "at least", "more than" => "more than", "up to" => "up to", "as many" => "up to", _ => null };
            if (q is not null) { qualifier = q; return i - 2; }
        }
        if (i >= 1 && Joined(i - 1))
        {
            string? q = Lower(i - 1) switch
            {
                "over" => "more than", "nearly" or "almost" => "nearly", "about" or "around" or "approximately" or "roughly" or "some" => "vague", _ => null,
            };
            if (q is not null) { qualifier = q; return i - 1; }
        }
        return i;
    }

    /// <summary>The last token of who after the figure (from <paramref name="from"/>), or -1 when none.</summary>
    private static int WhoEnd(List<Token> tokens, int from, string text, int stopAt = int.MaxValue)
    {
        var end = -1;
        for (var k = from; k < tokens.Count && k < stopAt && k < from + MaxWho; k++)
        {
            if (k > from && !SameClause(text, tokens[k - 1], tokens[k])) break;
            if (k == from && !SameClause(text, tokens[k - 1], tokens[k])) break;
            if (EndsWho.Contains(tokens[k].Lower) || Status.ContainsKey(tokens[k].Lower) || char.IsAsciiDigit(tokens[k].Lower[0])) break;
            end = k;
        }
        return end;
    }

    private static RecognizedFigure Make(string text, List<Token> tokens, int first, int last, Amount quantity, string status, string qualifier, int whoFrom, int whoEnd)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal) { ["status"] = status, ["qualifier"] = qualifier };
        if (quantity.Count is { } count) attributes["count"] = count.ToString(CultureInfo.InvariantCulture);
        if (whoFrom >= 0 && whoEnd >= whoFrom) attributes["who"] = text[tokens[whoFrom].Start..tokens[whoEnd].End];
        var (start, end) = (tokens[first].Start, tokens[last].End);
        return new RecognizedFigure(start, end, text[start..end], attributes);
    }

    // Between two tokens: nothing that ends a sentence (commas, quotes and brackets may come between).
    private static bool SameSentence(string text, Token a, Token b) => !text.AsSpan(a.End, b.Start - a.End).ContainsAny(SentenceEnds);

    private static readonly System.Buffers.SearchValues<char> SentenceEnds = System.Buffers.SearchValues.Create(".!?;\n");
    private static readonly System.Buffers.SearchValues<char> ClauseEnds = System.Buffers.SearchValues.Create(".!?;,:()\n");

    // Between two tokens: only spaces (and quotes), no punctuation that separates clauses.
    private static bool SameClause(string text, Token a, Token b) => !text.AsSpan(a.End, b.Start - a.End).ContainsAny(ClauseEnds);

    [GeneratedRegex(@"\d{1,3}(?:,\d{3})+|\d+|\p{L}+(?:[-’']\p{L}+)*")]
    private static partial Regex TokenPattern();
}
