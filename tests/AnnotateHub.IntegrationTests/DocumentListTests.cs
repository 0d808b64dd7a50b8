using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Projects;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests;

/// <summary>
/// The project page's list in the database (CorpusService.PageDocumentsAsync): titles in natural order through the stored
/// key (kept in step by the importer and by a rename), filters by status, assignee and label, the order by status, and
/// paging through a filtered list.
/// </summary>
public sealed class DocumentListTests(AppServer server) : IClassFixture<AppServer>, IAsyncLifetime
{
    private int _projectId;
    private readonly Dictionary<string, int> _ids = [];
    private string _suffix = "";
    private string _ana = "";
    private string _ben = "";
    private int _label;
    private int _otherLabel;

    private CorpusService Corpus => server.Get<CorpusService>();

    // Imported in this order; "Doc 10" before "Doc 2" ordinally, after it naturally.
    private static readonly string[] Titles = ["Doc 10", "Doc 2", "doc 3", "Doc 1", "Doc 20", "Appendix"];

    public async Task InitializeAsync()
    {
        var suffix = _suffix = Guid.NewGuid().ToString("N")[..8];
        _projectId = await server.CreateProjectAsync("Document list " + suffix);
        foreach (var title in Titles) _ids[title] = await server.ImportDocumentAsync(_projectId, $"{title}\n\nRockets hit the base {title} {suffix}.");
        _ana = await server.CreateUserAsync("list-ana-" + suffix);
        _ben = await server.CreateUserAsync("list-ben-" + suffix);
        await server.AddMemberAsync(_ana, _projectId, ProjectRole.Annotator, assignAll: false);
        await server.AddMemberAsync(_ben, _projectId, ProjectRole.Annotator, assignAll: false);
        await using var db = server.CreateDbContext();
        var labels = await db.Labels.Where(l => l.ProjectId == _projectId).OrderBy(l => l.SortOrder).Select(l => l.Id).ToListAsync();
        (_label, _otherLabel) = (labels[0], labels[1]);
        var now = DateTime.UtcNow;
        void Assign(string title, string user, AssignmentState state) => db.Assignments.Add(new Assignment
            { DocumentId = _ids[title], UserId = user, ProjectId = _projectId, State = state, AssignedAt = now });
        // Doc 1: both done (done). Doc 2: one done, one not started (in progress). doc 3: ana in progress (in progress).
        // Doc 10: ana not started (not started). Doc 20: both done and curated (curated). Appendix: nobody (not started).
        Assign("Doc 1", _ana, AssignmentState.Done);
        Assign("Doc 1", _ben, AssignmentState.Done);
        Assign("Doc 2", _ana, AssignmentState.Done);
        Assign("Doc 2", _ben, AssignmentState.NotStarted);
        Assign("doc 3", _ana, AssignmentState.InProgress);
        Assign("Doc 10", _ana, AssignmentState.NotStarted);
        Assign("Doc 20", _ana, AssignmentState.Done);
        Assign("Doc 20", _ben, AssignmentState.Done);
        db.Annotations.Add(new Annotation { DocumentId = _ids["Doc 2"], AnnotatorId = _ana, Start = 0, End = 3, LabelId = _label, CreatedAt = now, UpdatedAt = now, Version = 1 });
        db.Annotations.Add(new Annotation { DocumentId = _ids["Doc 2"], AnnotatorId = _ana, Start = 4, End = 5, LabelId = _label, CreatedAt = now, UpdatedAt = now, Version = 1 });
        db.Annotations.Add(new Annotation { DocumentId = _ids["Doc 20"], AnnotatorId = _ben, Start = 0, End = 3, LabelId = _label, CreatedAt = now, UpdatedAt = now, Version = 1 });
        db.Annotations.Add(new Annotation { DocumentId = _ids["doc 3"], AnnotatorId = _ana, Start = 0, End = 3, LabelId = _otherLabel, CreatedAt = now, UpdatedAt = now, Version = 1 });
        await db.SaveChangesAsync();
        await db.Documents.Where(d => d.Id == _ids["Doc 20"]).ExecuteUpdateAsync(s => s.SetProperty(d => d.CuratedAt, now));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<string>> TitlesAsync(DocumentQuery query, CorpusScope? scope = null) =>
        (await Corpus.PageDocumentsAsync(_projectId, query, scope ?? CorpusScope.Everything)).Rows.Select(r => r.Title).ToList();

    [Fact]
    public async Task Titles_sort_in_natural_order_both_ways()
    {
        Assert.Equal(["Appendix", "Doc 1", "Doc 2", "doc 3", "Doc 10", "Doc 20"], await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Title)));
        Assert.Equal(["Doc 20", "Doc 10", "doc 3", "Doc 2", "Doc 1", "Appendix"], await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Title, Descending: true)));
    }

    [Fact]
    public async Task A_rename_moves_the_document_to_its_new_place_in_title_order()
    {
        var admin = await server.AdminIdAsync();
        var renamed = await server.Get<ProjectAdminService>().UpdateDocumentAsync(_ids["Appendix"], admin, new DocumentEdit(Title: "Doc 11"));
        Assert.True(renamed.Succeeded, renamed.Error);

        Assert.Equal(["Doc 1", "Doc 2", "doc 3", "Doc 10", "Doc 11", "Doc 20"], await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Title)));
        await using var db = server.CreateDbContext();
        Assert.Equal("doc 000000000011", await db.Documents.Where(d => d.Id == _ids["Appendix"]).Select(d => d.TitleKey).SingleAsync());
    }

    [Fact]
    public async Task Each_status_filter_finds_the_documents_in_that_state()
    {
        async Task<List<string>> With(DocumentStatus status) => await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Title, Status: status));

        Assert.Equal(["Appendix", "Doc 10"], await With(DocumentStatus.NotStarted));
        Assert.Equal(["Doc 2", "doc 3"], await With(DocumentStatus.InProgress));
        Assert.Equal(["Doc 1"], await With(DocumentStatus.Done));
        Assert.Equal(["Doc 20"], await With(DocumentStatus.Curated));
        var page = await Corpus.PageDocumentsAsync(_projectId, new DocumentQuery(Sort: DocumentSort.Title), CorpusScope.Everything);
        Assert.Equal(
            [DocumentStatus.NotStarted, DocumentStatus.Done, DocumentStatus.InProgress, DocumentStatus.InProgress, DocumentStatus.NotStarted, DocumentStatus.Curated],
            page.Rows.Select(r => r.Status));
    }

    [Fact]
    public async Task An_annotator_filters_by_their_own_state()
    {
        var scope = CorpusScope.For(_ben, new ProjectPermissions(ProjectRole.Annotator, ProjectMode.Open, false));

        Assert.Equal(["Doc 1"], await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Title, Status: DocumentStatus.Done), scope));
        Assert.Equal(["Doc 2"], await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Title, Status: DocumentStatus.NotStarted), scope));
        Assert.Equal(["Doc 20"], await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Title, Status: DocumentStatus.Curated), scope));
    }

    [Fact]
    public async Task Assignee_and_label_filters_combine_with_the_order_and_the_total()
    {
        Assert.Equal(["Doc 1", "Doc 2", "Doc 20"], await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Title, AssigneeId: _ben)));
        Assert.Equal(["Doc 2", "Doc 20"], await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Title, LabelId: _label)));
        Assert.Equal(["doc 3"], await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Title, LabelId: _otherLabel)));

        var page = await Corpus.PageDocumentsAsync(_projectId, new DocumentQuery(Sort: DocumentSort.Title, AssigneeId: _ana, Limit: 2, Offset: 2), CorpusScope.Everything);
        Assert.Equal((5, true), (page.Total, page.HasMore));
        Assert.Equal(["doc 3", "Doc 10"], page.Rows.Select(r => r.Title));
        var both = await Corpus.PageDocumentsAsync(_projectId, new DocumentQuery(Sort: DocumentSort.Title, AssigneeId: _ana, LabelId: _label, Status: DocumentStatus.Curated),
            CorpusScope.Everything);
        Assert.Equal((1, "Doc 20", 1), (both.Total, both.Rows.Single().Title, both.Rows.Single().Spans));
    }

    [Fact]
    public async Task Status_order_goes_not_started_in_progress_done_curated_then_by_title()
    {
        Assert.Equal(["Appendix", "Doc 10", "Doc 2", "doc 3", "Doc 1", "Doc 20"], await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Status)));
        Assert.Equal(["Doc 20", "Doc 1", "Doc 2", "doc 3", "Appendix", "Doc 10"], await TitlesAsync(new DocumentQuery(Sort: DocumentSort.Status, Descending: true)));
    }

    [Fact]
    public async Task Member_picker_finds_users_by_the_start_of_their_name_with_their_role()
    {
        var found = await server.Get<TeamService>().FindUsersAsync(_projectId, "list-ana-" + _suffix);
        Assert.Equal([(_ana, "list-ana-" + _suffix, ProjectRole.Annotator)], found.Select(u => (u.UserId, u.UserName, u.Role)));
        var inside = await server.Get<TeamService>().FindUsersAsync(_projectId, "ana-" + _suffix); // not the start: found as a part
        Assert.Equal([_ana], inside.Select(u => u.UserId));
        var many = new List<string>();
        for (var i = 0; i < TeamService.MaxUserChoices + 3; i++) many.Add(await server.CreateUserAsync($"many-{_suffix}-{i:D2}"));
        var limited = await server.Get<TeamService>().FindUsersAsync(_projectId, "many-" + _suffix);
        Assert.Equal(many.Take(TeamService.MaxUserChoices), limited.Select(u => u.UserId)); // in user-name order, cut at the limit
        var outsider = await server.CreateUserAsync("picker-zed-" + Guid.NewGuid().ToString("N")[..6]);
        var byPrefix = await server.Get<TeamService>().FindUsersAsync(_projectId, "PICKER-ZED-");
        Assert.Contains(byPrefix, u => u.UserId == outsider && u.Role == ProjectRole.None);
        Assert.Empty(await server.Get<TeamService>().FindUsersAsync(_projectId, "nobody-has-this-name-" + _suffix));
    }
}
