namespace AnnotateHub.Core.Projects;

/// <summary>A document given to an annotator.</summary>
public readonly record struct AssignmentPair(int DocumentId, string AnnotatorId);

/// <summary>
/// Plans "each document to k annotators": documents that have fewer than k annotators get the ones with the fewest
/// documents so far, so the work stays balanced. Existing assignments are kept; ties go by annotator id, so the
/// same input always gives the same plan.
/// </summary>
public static class BalancedAssignment
{
    /// <summary>
    /// The new assignments that give each of <paramref name="documentIds"/> (duplicates ignored, in ascending order)
    /// <paramref name="perDocument"/> annotators. Only existing assignments to annotators in <paramref name="annotatorIds"/>
    /// count towards a document's k and an annotator's load; a document that already has k or more gets nothing new.
    /// </summary>
    /// <param name="documentIds">The documents to cover.</param>
    /// <param name="annotatorIds">The annotators who may receive documents (duplicates ignored).</param>
    /// <param name="perDocument">k, the number of annotators each document should have.</param>
    /// <param name="existing">Assignments already made; they are kept and not returned.</param>
    /// <returns>Only the pairs to add, in document order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perDocument"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="perDocument"/> exceeds the number of distinct annotators.</exception>
    public static IReadOnlyList<AssignmentPair> Plan(
        IReadOnlyList<int> documentIds, IReadOnlyList<string> annotatorIds, int perDocument, IReadOnlyCollection<AssignmentPair> existing)
    {
        if (perDocument < 1) throw new ArgumentOutOfRangeException(nameof(perDocument), "Each document needs at least one annotator.");
        var annotators = annotatorIds.Distinct(StringComparer.Ordinal).OrderBy(a => a, StringComparer.Ordinal).ToList();
        if (perDocument > annotators.Count)
        {
            throw new ArgumentException($"Each document cannot go to {perDocument} annotators: the project has {annotators.Count}.", nameof(perDocument));
        }

        var load = annotators.ToDictionary(a => a, _ => 0, StringComparer.Ordinal);
        var byDocument = new Dictionary<int, HashSet<string>>();
        foreach (var pair in existing)
        {
            if (!byDocument.TryGetValue(pair.DocumentId, out var set)) byDocument[pair.DocumentId] = set = new(StringComparer.Ordinal);
            set.Add(pair.AnnotatorId);
            if (load.TryGetValue(pair.AnnotatorId, out var count)) load[pair.AnnotatorId] = count + 1;
        }

        var plan = new List<AssignmentPair>();
        foreach (var documentId in documentIds.Distinct().Order())
        {
            if (!byDocument.TryGetValue(documentId, out var has)) byDocument[documentId] = has = new(StringComparer.Ordinal);
            var missing = perDocument - has.Count(load.ContainsKey);
            for (var i = 0; i < missing; i++)
            {
                var next = annotators.Where(a => !has.Contains(a)).MinBy(a => load[a])!;
                has.Add(next);
                load[next]++;
                plan.Add(new AssignmentPair(documentId, next));
            }
        }
        return plan;
    }
}
