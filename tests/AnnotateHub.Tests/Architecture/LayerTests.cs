using System.Reflection;
using AnnotateHub.Web.Data;
using NetArchTest.Rules;

namespace AnnotateHub.Tests.Architecture;

/// <summary>
/// The web app's floors point one way: Program → Features → {Realtime, Data} → Core (docs/decisions/0060). NetArchTest
/// reads each type's IL, so a reference from a method body, a lambda or an async state machine counts too.
/// </summary>
public sealed class LayerTests
{
    private static readonly Assembly Web = typeof(AnnotateHubDbContext).Assembly;
    private const string Features = "AnnotateHub.Web.Features";

    [Theory]
    [InlineData("AnnotateHub.Web.Data")]
    [InlineData("AnnotateHub.Web.Realtime")]
    public void A_lower_floor_references_no_feature(string floor)
    {
        var result = Types.InAssembly(Web).That().ResideInNamespace(floor).ShouldNot().HaveDependencyOn(Features).GetResult();

        Assert.True(result.IsSuccessful, $"{floor} must not use the features, but these types do: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Theory]
    [InlineData("AnnotateHub.Web.Data")]
    [InlineData("AnnotateHub.Web.Realtime")]
    public void The_rule_sees_a_dependency_where_there_is_one(string floor)
    {
        // The check above could pass by seeing nothing: the features do use both floors, and the same rule says so.
        var result = Types.InAssembly(Web).That().ResideInNamespace(Features).ShouldNot().HaveDependencyOn(floor).GetResult();

        Assert.False(result.IsSuccessful);
        Assert.Contains(result.FailingTypeNames!, name => name.StartsWith(Features, StringComparison.Ordinal));
    }

    [Fact]
    public void Core_references_neither_the_web_nor_the_database()
    {
        var core = typeof(AnnotateHub.Core.Formats.ZipOutput).Assembly;
        var result = Types.InAssembly(core).ShouldNot()
            .HaveDependencyOnAny("AnnotateHub.Web", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore").GetResult();

        Assert.True(result.IsSuccessful, $"Core must stand alone, but these types do not: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}
