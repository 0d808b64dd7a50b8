using System.Globalization;

namespace AnnotateHub.Core.Curation;

/// <summary>
/// A rule an automatic merge applies to each unit a curator has not decided: which of the unit's candidates may become
/// gold. <see cref="Name"/> is its stable machine name and <see cref="Parse"/> reads it back.
/// </summary>
public abstract record MergeRule
{
    /// <summary>Accepts a candidate every annotator of the document voted for.</summary>
    public sealed record AllAgree : MergeRule
    {
        /// <inheritdoc/>
        public override string Name => "all-agree";

        /// <inheritdoc/>
        public override string Describe() => "all annotators agree";

        /// <inheritdoc/>
        public override bool Accepts(Candidate candidate, CurationUnit unit, int annotatorCount) =>
            annotatorCount > 0 && candidate.Votes >= annotatorCount;
    }

    /// <summary>Accepts a candidate every annotator who has a span in the unit voted for (those with nothing there do not count).</summary>
    public sealed record AllWhoAnnotatedAgree : MergeRule
    {
        /// <inheritdoc/>
        public override string Name => "all-who-annotated";

        /// <inheritdoc/>
        public override string Describe() => "all who annotated agree";

        /// <inheritdoc/>
        public override bool Accepts(Candidate candidate, CurationUnit unit, int annotatorCount) =>
            unit.Annotators.Count > 0 && candidate.Votes >= unit.Annotators.Count;
    }

    /// <summary>
    /// Accepts a candidate with at least <paramref name="MinVotes"/> voters whose share of the unit's annotators
    /// (voters / annotators with a span in the unit) is at least <paramref name="MinShare"/>.
    /// </summary>
    /// <param name="MinVotes">The fewest voters accepted; at least 1.</param>
    /// <param name="MinShare">The smallest share of the unit's annotators accepted; greater than 0 and at most 1.</param>
    public sealed record Vote(int MinVotes, double MinShare) : MergeRule
    {
        // 2 of 3 against a share typed as 0.6667 must not fail on the last binary digit.
        private const double ShareTolerance = 1e-9;

        /// <inheritdoc/>
        public override string Name => string.Create(CultureInfo.InvariantCulture, $"vote:{MinVotes}:{MinShare}");

        /// <inheritdoc/>
        public override string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"at least {MinVotes} {(MinVotes == 1 ? "annotator" : "annotators")} and {Math.Round(MinShare * 100, 1):0.#}% of the votes");

        /// <inheritdoc/>
        public override bool Accepts(Candidate candidate, CurationUnit unit, int annotatorCount) =>
            unit.Annotators.Count > 0
            && candidate.Votes >= MinVotes
            && (double)candidate.Votes / unit.Annotators.Count >= MinShare - ShareTolerance;
    }

    /// <summary>
    /// Text stored with a merged gold span and shown to people, such as "all annotators agree", "all who annotated
    /// agree" or "at least 2 annotators and 67% of the votes".
    /// </summary>
    public abstract string Describe();

    /// <summary>Stable machine name: "all-agree", "all-who-annotated" or "vote:&lt;min votes&gt;:&lt;min share&gt;" (invariant culture, e.g. "vote:2:0.67").</summary>
    public abstract string Name { get; }

    /// <summary>Whether the rule, on its own, accepts <paramref name="candidate"/> of <paramref name="unit"/> on a document with <paramref name="annotatorCount"/> annotators.</summary>
    public abstract bool Accepts(Candidate candidate, CurationUnit unit, int annotatorCount);

    /// <summary>
    /// Reads a <see cref="Name"/> back (surrounding white space ignored). Returns the rule and no error, or no rule and
    /// an error saying what is wrong: an unknown name, a malformed vote, MinVotes below 1, MinShare outside (0, 1].
    /// </summary>
    public static (MergeRule? Rule, string? Error) Parse(string? text)
    {
        const string Expected = "expected all-agree, all-who-annotated or vote:<min votes>:<min share>";
        if (string.IsNullOrWhiteSpace(text)) return (null, $"No merge rule given; {Expected}.");
        var name = text.Trim();
        if (name == "all-agree") return (new AllAgree(), null);
        if (name == "all-who-annotated") return (new AllWhoAnnotatedAgree(), null);
        if (!name.StartsWith("vote:", StringComparison.Ordinal)) return (null, $"Unknown merge rule '{name}'; {Expected}.");

        var parts = name.Split(':');
        if (parts.Length != 3) return (null, $"A vote rule reads vote:<min votes>:<min share>, e.g. vote:2:0.67; got '{name}'.");
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minVotes))
            return (null, $"The minimum number of votes must be a whole number; got '{parts[1]}'.");
        if (minVotes < 1) return (null, $"The minimum number of votes must be at least 1; got {minVotes}.");
        if (!double.TryParse(parts[2], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var minShare))
            return (null, $"The minimum share of votes must be a number such as 0.67; got '{parts[2]}'.");
        if (!(minShare > 0 && minShare <= 1))
            return (null, string.Create(CultureInfo.InvariantCulture, $"The minimum share of votes must be greater than 0 and at most 1; got {minShare}."));
        return (new Vote(minVotes, minShare), null);
    }
}
