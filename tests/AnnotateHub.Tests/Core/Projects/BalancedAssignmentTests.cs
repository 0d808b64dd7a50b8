using AnnotateHub.Core.Projects;

namespace AnnotateHub.Tests.Core.Projects;

public sealed class BalancedAssignmentTests
{
    [Fact]
    public void Each_document_goes_to_k_different_annotators_with_loads_differing_by_at_most_one()
    {
        var documents = Enumerable.Range(1, 10).ToList();
        string[] annotators = ["ana", "ben", "cy"];

        var plan = BalancedAssignment.Plan(documents, annotators, 2, []);

        Assert.Equal(20, plan.Count);
        Assert.All(plan.GroupBy(p => p.DocumentId), g => Assert.Equal(2, g.Select(p => p.AnnotatorId).Distinct().Count()));
        var loads = plan.GroupBy(p => p.AnnotatorId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(20, loads.Values.Sum());
        Assert.True(loads.Values.Max() - loads.Values.Min() <= 1, string.Join(", ", loads));
    }

    [Fact]
    public void Existing_assignments_are_kept_and_counted_in_the_balance()
    {
        AssignmentPair[] existing = [new(1, "ana"), new(2, "ana"), new(3, "ana")];

        var plan = BalancedAssignment.Plan([1, 2, 3, 4], ["ana", "ben"], 1, existing);

        Assert.Equal([new AssignmentPair(4, "ben")], plan);
    }

    [Fact]
    public void The_same_input_gives_the_same_plan()
    {
        var a = BalancedAssignment.Plan([3, 1, 2], ["cy", "ana", "ben"], 2, []);
        var b = BalancedAssignment.Plan([1, 2, 3], ["ana", "ben", "cy"], 2, []);

        Assert.Equal(a, b);
        Assert.Equal(new AssignmentPair(1, "ana"), a[0]);
    }

    [Fact]
    public void Asking_for_more_annotators_per_document_than_there_are_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => BalancedAssignment.Plan([1], ["ana"], 2, []));

        Assert.StartsWith("Each document cannot go to 2 annotators: the project has 1.", error.Message);
    }

    [Fact]
    public void A_document_that_already_has_k_annotators_gets_none_more()
    {
        var plan = BalancedAssignment.Plan([1], ["ana", "ben", "cy"], 2, [new(1, "ben"), new(1, "cy")]);

        Assert.Empty(plan);
    }
}
