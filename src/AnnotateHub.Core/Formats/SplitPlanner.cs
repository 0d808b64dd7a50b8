using System.Globalization;
using System.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>What the split planner needs to know of a document: cheap to load for a whole project.</summary>
public sealed record DocumentFacts(string Id, string? Outlet = null, string? Published = null)
{
    /// <summary>The facts of an interchange document, from its meta keys "outlet" and "published".</summary>
    public static DocumentFacts Of(InterchangeDocument document) =>
        new(document.Id, document.Meta.GetValueOrDefault("outlet"), document.Meta.GetValueOrDefault("published"));
}

/// <summary>What must stay together in one split.</summary>
public enum SplitGrouping
{
    /// <summary>Each document on its own.</summary>
    None,
    /// <summary>All documents of an outlet in the same split.</summary>
    Outlet,
    /// <summary>All documents published on the same day in the same split (a story covered by several outlets that day stays together).</summary>
    Date,
}

/// <summary>How to split: train/dev/test ratios with a seed and an optional grouping, or an explicit document → split list.</summary>
public sealed record SplitSpec(double Train, double Dev, double Test, int Seed = 0, SplitGrouping GroupBy = SplitGrouping.None,
    IReadOnlyDictionary<string, string>? Explicit = null)
{
    /// <summary>The split names, in the order of the ratios: train, dev, test.</summary>
    public static readonly IReadOnlyList<string> Names = ["train", "dev", "test"];

    /// <summary>An explicit assignment; documents it does not list get no split.</summary>
    public static SplitSpec FromList(IReadOnlyDictionary<string, string> assignment) => new(0, 0, 0, Explicit: assignment);

    /// <summary>
    /// Reads "80/10/10" (train/dev/test; any positive scale, "0.8/0.1/0.1" too) or "90/10" (train/test), a seed,
    /// and a grouping ("none", "document", "outlet", "date").
    /// </summary>
    public static (SplitSpec? Spec, string? Error) Parse(string ratios, string? seed = null, string? groupBy = null)
    {
        var parts = ratios.Split(['/', ',', ':'], StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || values[i] < 0 || !double.IsFinite(values[i]))
                return (null, $"The split \"{ratios}\" must be ratios like 80/10/10 (train/dev/test) or 90/10 (train/test); \"{parts[i]}\" is not a number of 0 or more.");
        }
        if (values.Length is not (2 or 3)) return (null, $"The split \"{ratios}\" must have two (train/test) or three (train/dev/test) parts.");
        if (values.Sum() <= 0) return (null, $"The split \"{ratios}\" must give some documents to one of the splits.");
        var (train, dev, test) = values.Length == 3 ? (values[0], values[1], values[2]) : (values[0], 0, values[1]);

        var seedValue = 0;
        if (!string.IsNullOrWhiteSpace(seed) && !int.TryParse(seed.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out seedValue))
            return (null, $"The seed \"{seed}\" must be a whole number.");

        SplitGrouping grouping;
        switch ((groupBy ?? "none").Trim().ToLowerInvariant())
        {
            case "" or "none" or "document": grouping = SplitGrouping.None; break;
            case "outlet": grouping = SplitGrouping.Outlet; break;
            case "date" or "published": grouping = SplitGrouping.Date; break;
            default: return (null, $"Unknown grouping \"{groupBy}\"; use \"outlet\", \"date\" or \"document\".");
        }
        var sum = train + dev + test;
        return (new SplitSpec(train / sum, dev / sum, test / sum, seedValue, grouping), null);
    }
}

/// <summary>
/// Assigns documents to train/dev/test. Deterministic: the same documents, spec and seed give the same plan on
/// every machine, whatever order the documents come in. See docs/formats.md, "Splits".
/// </summary>
public static class SplitPlanner
{
    /// <summary>Document id → "train", "dev" or "test".</summary>
    public static IReadOnlyDictionary<string, string> Plan(IEnumerable<DocumentFacts> documents, SplitSpec spec)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(spec);
        var plan = new Dictionary<string, string>(StringComparer.Ordinal);
        if (spec.Explicit is not null)
        {
            foreach (var d in documents)
                if (spec.Explicit.TryGetValue(d.Id, out var split)) plan[d.Id] = split;
            return plan;
        }
        if (!(spec.Train > 0 || spec.Dev > 0 || spec.Test > 0)) throw new ArgumentException("A split needs a ratio above 0 for at least one of train, dev and test.", nameof(spec));

        // Groups of documents that must share a split; without grouping every document is its own group.
        var groups = documents.GroupBy(d => spec.GroupBy switch
            {
                SplitGrouping.Outlet => "outlet:" + (d.Outlet?.Trim().ToLowerInvariant() ?? ""),
                SplitGrouping.Date => "date:" + (d.Published?.Trim() ?? ""),
                _ => "document:" + d.Id,
            }, StringComparer.Ordinal)
            .Select(g => (Key: g.Key, Ids: g.Select(d => d.Id).Distinct(StringComparer.Ordinal).ToList()))
            .OrderBy(g => Shuffle(spec.Seed, g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var total = groups.Sum(g => g.Ids.Count);
        var ratios = new[] { spec.Train, spec.Dev, spec.Test };
        var targets = Apportion(total, ratios);

        if (spec.GroupBy == SplitGrouping.None)
        {
            // Single documents fill the exact counts in shuffled order.
            var at = 0;
            for (var s = 0; s < 3; s++)
                for (var n = 0; n < targets[s]; n++) plan[groups[at++].Ids[0]] = SplitSpec.Names[s];
            return plan;
        }

        // Largest groups first (equal sizes in seeded order), each to the split furthest below its target relative to
        // that target, so the small dev and test splits get groups too (ties: the larger shortfall, then train, dev,
        // test). A split with ratio 0 gets nothing. Within a split the error is at most the size of one group.
        var counts = new int[3];
        foreach (var group in groups.OrderByDescending(g => g.Ids.Count))
        {
            var best = -1;
            for (var s = 0; s < 3; s++)
            {
                if (ratios[s] <= 0) continue;
                if (best < 0) { best = s; continue; }
                var relative = (double)(targets[s] - counts[s]) / Math.Max(1, targets[s]);
                var bestRelative = (double)(targets[best] - counts[best]) / Math.Max(1, targets[best]);
                if (relative > bestRelative || (relative == bestRelative && targets[s] - counts[s] > targets[best] - counts[best])) best = s;
            }
            counts[best] += group.Ids.Count;
            foreach (var id in group.Ids) plan[id] = SplitSpec.Names[best];
        }
        return plan;
    }

    /// <summary>Whole counts per split that add up to <paramref name="total"/> and are as close to the ratios as can be (largest remainder).</summary>
    public static int[] Apportion(int total, IReadOnlyList<double> ratios)
    {
        var sum = ratios.Sum();
        var exact = ratios.Select(r => sum > 0 ? total * r / sum : 0).ToArray();
        var counts = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var left = total - counts.Sum();
        foreach (var i in Enumerable.Range(0, exact.Length).OrderByDescending(i => exact[i] - counts[i]).ThenBy(i => i).Take(left)) counts[i]++;
        return counts;
    }

    // A stable 64-bit hash of (seed, key): FNV-1a, then a SplitMix64 finaliser so near keys land far apart.
    // string.GetHashCode is randomised per process and would make plans differ from run to run.
    private static ulong Shuffle(int seed, string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(seed.ToString(CultureInfo.InvariantCulture) + "\u0000" + key))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        hash += 0x9E3779B97F4A7C15UL;
        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }
}
