using System.Diagnostics;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Browser;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.IntegrationTests.Scale;

/// <summary>
/// A server (with its own Chromium) whose database holds a project of 100,000 short documents titled "Report 0" to
/// "Report 99999" (no zero padding, so only a natural order puts "Report 2" before "Report 10"), one span each, and two
/// annotators who share every document's state: document i is not started when i % 4 == 1, in progress when i % 4 == 2,
/// and done otherwise. Written straight into SQLite (<see cref="LargeCorpus"/>); texts are short to keep the fixture cheap.
/// </summary>
public sealed class HundredThousandFixture : IAsyncLifetime
{
    public const int Documents = 100_000;
    public static readonly string[] AnnotatorNames = ["tenk-ana", "tenk-ben"];

    public BrowserFixture Browser { get; } = new();
    public AppServer Server => Browser.Server;
    public int ProjectId { get; private set; }

    /// <summary>How long writing the documents took (printed by the tests' output, asserted by nothing).</summary>
    public TimeSpan WriteTime { get; private set; }

    public static string TitleOf(int i) => $"Report {i}";

    public static AssignmentState StateOf(int i) => (i % 4) switch
    {
        1 => AssignmentState.NotStarted,
        2 => AssignmentState.InProgress,
        _ => AssignmentState.Done,
    };

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        var annotators = new List<string>();
        foreach (var name in AnnotatorNames) annotators.Add(await Server.CreateUserAsync(name));
        var clock = Stopwatch.StartNew();
        var corpus = LargeCorpus.Write(Server.DatabasePath, "Hundred thousand", await Server.AdminIdAsync(), annotators, Documents, spansPerDocument: 1,
            chars: 200, titleOf: TitleOf, stateOf: StateOf);
        WriteTime = clock.Elapsed;
        ProjectId = corpus.ProjectId;
        Server.Get<ProjectAccess>().Invalidate(ProjectId);
    }

    public Task DisposeAsync() => Browser.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class HundredThousandCollection : ICollectionFixture<HundredThousandFixture>
{
    public const string Name = "Hundred thousand documents";
}
