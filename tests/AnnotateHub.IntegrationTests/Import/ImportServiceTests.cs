using System.IO.Compression;
using System.Text;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Import;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Import;

/// <summary>
/// ImportService against the real app's SQLite file: what a good file brings in, and that a bad one (every kind the
/// issue names) is refused with its line and field and leaves the database exactly as it was.
/// </summary>
public sealed class ImportServiceTests(AppServer server) : IClassFixture<AppServer>
{
    private ImportService Import => server.Get<ImportService>();

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    private async Task<ImportReport> ImportAsync(string content, string fileName, ImportOptions options) =>
        await Import.ImportAsync(Utf8(content), fileName, options);

    private async Task<(int Projects, int Documents, int Annotations, int Gold, int Suggestions, int Users, int Labels, int Members)> CountsAsync()
    {
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        return (await db.Projects.CountAsync(), await db.Documents.CountAsync(), await db.Annotations.CountAsync(), await db.GoldAnnotations.CountAsync(),
            await db.Suggestions.CountAsync(), await db.Users.CountAsync(), await db.Labels.CountAsync(), await db.ProjectMembers.CountAsync());
    }

    [Fact]
    public async Task A_jsonl_file_creates_its_project_with_its_labels_annotators_spans_gold_and_done_states()
    {
        var u = Unique();
        var file =
            $$$"""
            {"id": "r-1", "text": "Iran fired 15 missiles at Ain al-Asad. {{{u}}}", "meta": {"outlet": "Reuters", "published": "2020-01-08", "story": "strike"}, "annotators": ["ana-{{{u}}}", "ben-{{{u}}}"], "annotations": [{"annotator": "ana-{{{u}}}", "start": 0, "end": 4, "label": "actor"}, {"annotator": "ben-{{{u}}}", "start": 11, "end": 22, "label": "casualty figure", "attributes": {"note": "missiles, not people"}}], "label": [[0, 4, "actor"]]}
            {"id": "r-2", "text": "A second report. {{{u}}}", "annotators": ["ana-{{{u}}}"]}
            """;
        var report = await ImportAsync(file, "batch.jsonl", new ImportOptions(await server.AdminIdAsync(), ProjectName: "Imported " + u));

        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        Assert.True(report.ProjectCreated);
        Assert.Equal((2, 2, 1, 0, 0), (report.Documents, report.Annotations, report.GoldSpans, report.Suggestions, report.Duplicates));
        Assert.Equal(["actor", "casualty figure"], report.CreatedLabels);
        Assert.Equal([$"ana-{u}", $"ben-{u}"], report.CreatedAnnotators);

        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        var project = await db.Projects.SingleAsync(p => p.Name == "Imported " + u);
        var documents = await db.Documents.Where(d => d.ProjectId == project.Id).OrderBy(d => d.Id).ToListAsync();
        Assert.Equal(["r-1", "r-2"], documents.Select(d => d.ExternalId));
        Assert.Equal(("Reuters", new DateOnly(2020, 1, 8), """{"story":"strike"}"""), (documents[0].Outlet, documents[0].PublishedOn, documents[0].ExtraMeta));
        var spans = await db.Annotations.Where(a => a.DocumentId == documents[0].Id).OrderBy(a => a.Start)
            .Select(a => new { a.Annotator!.UserName, a.Start, a.End, Label = a.Label!.Name, a.Note }).ToListAsync();
        Assert.Equal($"ana-{u}|0|4|actor|", $"{spans[0].UserName}|{spans[0].Start}|{spans[0].End}|{spans[0].Label}|{spans[0].Note}");
        Assert.Equal($"ben-{u}|11|22|casualty figure|missiles, not people", $"{spans[1].UserName}|{spans[1].Start}|{spans[1].End}|{spans[1].Label}|{spans[1].Note}");
        Assert.Equal("15 missiles", documents[0].Text[11..22]);
        var gold = await db.GoldAnnotations.Where(g => g.DocumentId == documents[0].Id).Select(g => new { g.Start, g.End, g.Label!.Name }).SingleAsync();
        Assert.Equal((0, 4, "actor"), (gold.Start, gold.End, gold.Name));
        var states = await db.Assignments.Where(a => a.ProjectId == project.Id).Join(db.Users, a => a.UserId, x => x.Id, (a, x) => new { a.DocumentId, x.UserName, a.State })
            .OrderBy(a => a.DocumentId).ThenBy(a => a.UserName).Select(a => $"{a.DocumentId - documents[0].Id}:{a.UserName}:{a.State}").ToListAsync();
        Assert.Equal([$"0:ana-{u}:Done", $"0:ben-{u}:Done", $"1:ana-{u}:Done"], states);
        // The accounts made for the file's annotators cannot sign in: they have no password.
        Assert.All(await db.Users.Where(x => x.UserName!.EndsWith(u)).ToListAsync(), x => Assert.Null(x.PasswordHash));
        var roles = await db.ProjectMembers.Where(m => m.ProjectId == project.Id).Select(m => m.Role).ToListAsync();
        Assert.Equal(1, roles.Count(r => r == ProjectRole.Supervisor));
        Assert.Equal(2, roles.Count(r => r == ProjectRole.Annotator));
    }

    [Fact]
    public async Task Offsets_stay_on_their_text_when_windows_line_endings_are_normalised()
    {
        var u = Unique();
        // "Two" starts at code point 17 with \r\n, at 16 once the \r is gone (👍🏽 is two code points: the hand and its skin tone).
        var file = $$"""{"text": "Rockets 👍🏽 hit.\r\nTwo hurt. {{u}}", "annotations": [{"annotator": "m", "start": 17, "end": 20, "label": "casualty figure"}]}""";
        var report = await ImportAsync(file, "crlf.jsonl", new ImportOptions(await server.AdminIdAsync(), ProjectName: "Crlf " + u, Spans: ImportedSpans.Suggestions));

        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        var suggestion = await db.Suggestions.Where(s => s.Source == "m").Join(db.Documents, s => s.DocumentId, d => d.Id, (s, d) => new { s.Start, s.End, d.Text, d.ProjectId })
            .SingleAsync(x => x.ProjectId == report.ProjectId);
        Assert.Equal((16, 19), (suggestion.Start, suggestion.End));
        Assert.Equal("Two", new string(suggestion.Text.EnumerateRunes().Skip(16).Take(3).SelectMany(r => r.ToString()).ToArray()));
    }

    [Fact]
    public async Task Every_error_of_a_file_is_reported_by_line_and_field_and_nothing_is_written()
    {
        var u = Unique();
        var projectId = await server.CreateProjectAsync("Strict " + u);
        var before = await CountsAsync();
        var file =
            $$"""
            {"text": "A good document that would import on its own. {{u}}"}
            {"text": "abc", "annotations": [{"annotator": "admin", "start": 2, "end": 9, "label": "actor"}]}
            {bad json
            {"id": 4}
            {"text": "Start after end.", "annotations": [{"annotator": "admin", "start": 5, "end": 2, "label": "actor"}]}
            {"text": "Unknown label. {{u}}", "annotations": [{"annotator": "admin", "start": 0, "end": 7, "label": "weapon"}]}
            {"text": "Gold past the end.", "label": [[0, 99, "claim"]]}
            {"text": 5}
            """;
        var report = await ImportAsync(file, "bad.jsonl", new ImportOptions(await server.AdminIdAsync(), ProjectId: projectId));

        Assert.False(report.Succeeded);
        Assert.Equal(
        [
            "line 2, annotations[0].end: 9 is past the end of the text (3 code points)",
            "line 3: not valid JSON at character 2: 'b' is an invalid start of a property name. Expected a '\"'.",
            "line 4, text: missing: every document needs its text",
            "line 5, annotations[0]: start 5 is not before end 2",
            "line 6, annotations[0].label: unknown label \"weapon\"; the project's labels are: claim, actor, casualty figure",
            "line 7, label[0].end: 99 is past the end of the text (18 code points)",
            "line 8, text: must be a string, found the number 5",
        ], report.Errors.Select(e => e.ToString()));
        Assert.Equal(0, report.Documents);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_refused_import_into_a_new_project_leaves_no_project_labels_or_accounts_behind()
    {
        var u = Unique();
        var before = await CountsAsync();
        var file =
            $$"""
            {"text": "Fine. {{u}}", "annotators": ["new-{{u}}"], "annotations": [{"annotator": "new-{{u}}", "start": 0, "end": 4, "label": "claim"}]}
            {"text": "Broken", "annotations": [{"annotator": "new-{{u}}", "start": -1, "end": 4, "label": "claim"}]}
            """;
        var report = await ImportAsync(file, "half.jsonl", new ImportOptions(await server.AdminIdAsync(), ProjectName: "Never " + u));

        Assert.Equal(["line 2, annotations[0].start: -1 is negative"], report.Errors.Select(e => e.ToString()));
        Assert.Null(report.ProjectId);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Two_imports_racing_to_create_one_project_leave_one_project_with_one_copy_and_no_exception()
    {
        var u = Unique();
        var admin = await server.AdminIdAsync();
        var file = $$"""{"text": "Raced article. {{u}}"}""";

        var reports = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => ImportAsync(file, "race.jsonl", new ImportOptions(admin, ProjectName: "Race " + u)))));

        Assert.All(reports, r => Assert.True(r.Succeeded || r.Errors.Single().Message.StartsWith("The database refused the import", StringComparison.Ordinal)
            || r.Errors.Single().Message.StartsWith("Another import is creating a project named", StringComparison.Ordinal), string.Join("\n", r.Describe())));
        Assert.Equal(1, reports.Count(r => r.Succeeded && r.Documents == 1));
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        var project = await db.Projects.SingleAsync(p => p.Name == "Race " + u);
        Assert.Equal(1, await db.Documents.CountAsync(d => d.ProjectId == project.Id));
    }

    [Fact]
    public async Task Duplicates_by_content_are_reported_and_imported_once()
    {
        var u = Unique();
        var projectId = await server.CreateProjectAsync("Dupes " + u);
        await server.ImportDocumentAsync(projectId, $"Already here. {u}");
        var file =
            $$"""
            {"id": "a", "text": "Already here. {{u}}"}
            {"id": "b", "text": "New one. {{u}}"}
            {"id": "c", "text": "New one. {{u}}"}
            """;
        var report = await ImportAsync(file, "dupes.jsonl", new ImportOptions(await server.AdminIdAsync(), ProjectId: projectId));

        Assert.True(report.Succeeded);
        Assert.Equal((1, 2), (report.Documents, report.Duplicates));
        Assert.StartsWith("line 1 (id a): same text as the project's document", report.DuplicateDetails[0], StringComparison.Ordinal);
        Assert.Equal("line 3 (id c): same text as line 2 (id b)", report.DuplicateDetails[1]);
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        Assert.Equal(2, await db.Documents.CountAsync(d => d.ProjectId == projectId));
    }

    [Fact]
    public async Task Annotators_and_outsiders_cannot_import_and_a_supervisor_cannot_invent_annotators()
    {
        var u = Unique();
        var projectId = await server.CreateProjectAsync("Guarded " + u);
        var annotator = await server.CreateUserAsync("imp-ann-" + u);
        await server.AddMemberAsync(annotator, projectId);
        var supervisor = await server.CreateUserAsync("imp-sup-" + u);
        await server.AddMemberAsync(supervisor, projectId, ProjectRole.Supervisor);
        var outsider = await server.CreateUserAsync("imp-out-" + u);
        var before = await CountsAsync();
        var file = $$"""{"text": "Text. {{u}}", "annotations": [{"annotator": "ghost-{{u}}", "start": 0, "end": 4, "label": "claim"}]}""";

        var byAnnotator = await ImportAsync(file, "a.jsonl", new ImportOptions(annotator, ProjectId: projectId));
        var byOutsider = await ImportAsync(file, "a.jsonl", new ImportOptions(outsider, ProjectId: projectId));
        var bySupervisor = await ImportAsync(file, "a.jsonl", new ImportOptions(supervisor, ProjectId: projectId));

        Assert.Equal($"Only supervisors of \"Guarded {u}\" import documents into it.", byAnnotator.Errors.Single().ToString());
        Assert.Equal("There is no such project.", byOutsider.Errors.Single().ToString());
        Assert.Equal($"line 1, annotations[0].annotator: \"ghost-{u}\" is not an annotator of this project; add them to the team first, or import the spans as suggestions",
            bySupervisor.Errors.Single().ToString());
        Assert.Equal(before, await CountsAsync());

        // As suggestions the same file is fine for a supervisor: a model's name need not be anyone's account.
        var suggestions = await ImportAsync(file, "a.jsonl", new ImportOptions(supervisor, ProjectId: projectId, Spans: ImportedSpans.Suggestions));
        Assert.True(suggestions.Succeeded, string.Join("\n", suggestions.Describe()));
        Assert.Equal((1, 0, 1), (suggestions.Documents, suggestions.Annotations, suggestions.Suggestions));
    }

    [Theory]
    [InlineData("", "the file is empty: it holds no documents")]
    [InlineData("\n\n  \n", "the file is empty: it holds no documents")]
    [InlineData("[1, 2]", "line 1: expected a JSON object {\"text\": ...}, found an array")]
    public async Task Empty_and_shapeless_files_are_refused(string content, string error)
    {
        var before = await CountsAsync();
        var report = await ImportAsync(content, "x.jsonl", new ImportOptions(await server.AdminIdAsync(), ProjectName: "Shapeless " + Unique()));
        Assert.Equal([error], report.Errors.Select(e => e.ToString()));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Files_in_the_wrong_encoding_are_refused_not_guessed()
    {
        var before = await CountsAsync();
        var latin1 = new MemoryStream([.. "{\"text\": \"Caf"u8.ToArray(), 0xE9, .. "\"}\n"u8.ToArray()]);
        var utf16 = new MemoryStream(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("{\"text\": \"x\"}\n")).ToArray());
        var admin = await server.AdminIdAsync();

        var a = await Import.ImportAsync(latin1, "latin1.jsonl", new ImportOptions(admin, ProjectName: "Enc " + Unique()));
        var b = await Import.ImportAsync(utf16, "utf16.jsonl", new ImportOptions(admin, ProjectName: "Enc " + Unique()));
        var c = await Import.ImportAsync(new MemoryStream([0x43, 0x61, 0x66, 0xE9]), "latin1.txt", new ImportOptions(admin, ProjectName: "Enc " + Unique()));

        Assert.Equal(["line 1: not valid UTF-8 (byte 14 of the line); save the file as UTF-8"], a.Errors.Select(e => e.ToString()));
        Assert.Equal(["line 1: the file is UTF-16; save it as UTF-8 (JSONL files are UTF-8)"], b.Errors.Select(e => e.ToString()));
        Assert.Equal(["latin1.txt: not valid UTF-8 (byte 4); save the file as UTF-8"], c.Errors.Select(e => e.ToString()));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_100_MB_line_is_refused_without_reading_it_into_memory()
    {
        var path = Path.Combine(Path.GetTempPath(), $"annotatehub-big-{Unique()}.jsonl");
        try
        {
            await using (var file = File.Create(path))
            {
                file.Write("{\"text\": \""u8);
                var chunk = Encoding.ASCII.GetBytes(new string('a', 1024 * 1024));
                for (var i = 0; i < 100; i++) file.Write(chunk);
                file.Write("\"}\n"u8);
            }
            var before = await CountsAsync();
            await using var input = File.OpenRead(path);
            var report = await Import.ImportAsync(input, "big.jsonl", new ImportOptions(await server.AdminIdAsync(), ProjectName: "Big " + Unique()));

            Assert.Equal(["line 1: the line is longer than 16 MB; one document per line must be smaller"], report.Errors.Select(e => e.ToString()));
            Assert.Equal(before, await CountsAsync());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_zip_of_text_and_html_articles_imports_readable_text_without_boilerplate_or_markup()
    {
        var u = Unique();
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(archive, "plain.txt", $"date 2020-01-08 Rockets hit the base\nTwo soldiers were hurt. {u}");
            Write(archive, "page.html",
                $"""
                <!doctype html><html><head><title>Base attacked</title><meta property="og:site_name" content="Al Monitor">
                <meta property="article:published_time" content="2020-01-09T10:00:00Z"><script>alert('x')</script></head>
                <body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
                <article><h1>Base attacked</h1><div class="share-buttons"><button>Share on X</button> Share on Facebook</div>
                <p>Eleven missiles struck <b>Ain al-Asad</b> overnight. {u}</p><p onclick="steal()">Nobody was killed.<img src=x onerror=alert(1)></p></article>
                <section id="comments"><form><textarea>Leave a comment</textarea></form><p>Reader comment: fake news</p></section>
                <footer>© 2020 Al Monitor</footer></body></html>
                """);
            Write(archive, "__MACOSX/._page.html", "junk");
        }
        zip.Position = 0;
        var report = await Import.ImportAsync(zip, "articles.zip", new ImportOptions(await server.AdminIdAsync(), ProjectName: "Zip " + u));

        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        Assert.Equal(2, report.Documents);
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        var docs = await db.Documents.Where(d => d.ProjectId == report.ProjectId).OrderBy(d => d.SourceName).ToListAsync();
        Assert.Equal(["page.html", "plain.txt"], docs.Select(d => d.SourceName));
        Assert.Equal($"Base attacked\n\nEleven missiles struck Ain al-Asad overnight. {u}\n\nNobody was killed.", docs[0].Text);
        Assert.Equal(("Base attacked", "Al Monitor", new DateOnly(2020, 1, 9)), (docs[0].Title, docs[0].Outlet, docs[0].PublishedOn));
        Assert.Equal(("Rockets hit the base", new DateOnly(2020, 1, 8)), (docs[1].Title, docs[1].PublishedOn));
        // A new project from files that name no labels starts with the default ones, ready to annotate.
        Assert.Equal(["claim", "actor", "casualty figure"], report.CreatedLabels);
    }

    [Fact]
    public async Task A_zip_with_other_files_is_refused_naming_each()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(archive, "ok.txt", "Fine text " + Unique());
            Write(archive, "photo.jpg", "binary");
            Write(archive, "empty.txt", "");
        }
        zip.Position = 0;
        var before = await CountsAsync();
        var report = await Import.ImportAsync(zip, "mixed.zip", new ImportOptions(await server.AdminIdAsync(), ProjectName: "Mixed " + Unique()));

        Assert.Equal(["empty.txt: the file is empty", "photo.jpg: only .txt and .html files are imported from a zip"], report.Errors.Select(e => e.ToString()));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Unsupported_and_corrupt_files_are_refused()
    {
        var admin = await server.AdminIdAsync();
        var pdf = await ImportAsync("%PDF-1.4", "paper.pdf", new ImportOptions(admin, ProjectName: "P " + Unique()));
        var zip = await ImportAsync("not a zip", "broken.zip", new ImportOptions(admin, ProjectName: "P " + Unique()));

        Assert.Equal("\"paper.pdf\" is not a file AnnotateHub imports: use JSONL (.jsonl), plain text (.txt), HTML (.html) or a .zip of text and HTML files (or a brat standoff zip).", pdf.Errors.Single().ToString());
        Assert.StartsWith("not a readable zip file", zip.Errors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_html_page_nested_150000_levels_deep_is_refused_unread_and_changes_nothing()
    {
        var html = "<!doctype html><html><body>\n" + string.Concat(Enumerable.Repeat("<div>", 150_000)) + "deep" + string.Concat(Enumerable.Repeat("</div>", 150_000));
        var before = await CountsAsync();
        var report = await ImportAsync(html, "deep.html", new ImportOptions(await server.AdminIdAsync(), ProjectName: "Deep " + Unique()));

        Assert.Equal("deep.html: the HTML nests elements more than 512 levels deep (line 2); no article is that deep, so it is refused unread", report.Errors.Single().ToString());
        Assert.Equal(before, await CountsAsync());
    }

    private static void Write(ZipArchive archive, string name, string content)
    {
        using var stream = archive.CreateEntry(name).Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }
}
