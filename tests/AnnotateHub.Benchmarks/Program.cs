// Dataset import/export benchmark: dotnet run -c Release --project tests/AnnotateHub.Benchmarks -- datasets (see DatasetBenchmark.cs).
// Document-view benchmark: server time to open a 200,000-character document with 5,000 annotations and to add one.
// Run: dotnet run -c Release --project tests/AnnotateHub.Benchmarks [-- --chars 200000 --spans 5000 --adds 50]
// Memory per open view: ... -- --chars 8000 --spans 200 --memory 20 (managed bytes each of 20 renderers holding the page).
// The agreement report benchmark: ... -- agreement (see AgreementBenchmark.cs); its corpus as a JSONL file for the
// command line and the NLTK baseline: ... -- agreement-file --documents 16000 --out PATH (see AgreementFile.cs).
// Curation: merge of a 10,000-document project and the curation view of a large document: ... -- curation (see CurationBenchmark.cs).
// A 100,000-document project through the real server (export, agreement, document list; peak memory): ... -- scale (see ScaleBenchmark.cs).
// The project page of 100,000 documents and a home page of 10,000 assignments, first byte and whole page: ... -- lists.
// It renders the real DocumentPage with the real services on a SQLite file through a Blazor Renderer (the same
// render-tree building and diffing a circuit does, without the SignalR transport) and prints numbers; it asserts nothing.
using System.Diagnostics;
using System.Text;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Text;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Documents;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Benchmarks;
using AnnotateHub.Web.Features;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

if (args.Length > 0 && args[0] == "datasets")
{
    await DatasetBenchmark.RunAsync(Arg("--documents", 10_000), Arg("--spans-per-document", 100));
    return;
}

if (args.Length > 0 && args[0] == "scale")
{
    var formats = ArgText("--formats", "jsonl,spacy,csv,conll,brat,w3c,parquet").Split(',', StringSplitOptions.RemoveEmptyEntries);
    await ScaleBenchmark.RunAsync(Arg("--documents", 100_000), Arg("--spans-per-document", 10), formats);
    return;
}

if (args.Length > 0 && args[0] == "lists")
{
    await ScaleBenchmark.RunListsAsync(Arg("--documents", 100_000), Arg("--assignments", 10_000), Arg("--runs", 3));
    return;
}

if (args.Length > 0 && args[0] == "curation")
{
    await CurationBenchmark.RunAsync(Arg("--documents", 10_000), Arg("--spans", 34), Arg("--chars", 200_000), Arg("--lane-spans", 5_000));
    return;
}

if (args.Length > 0 && args[0] == "agreement-file")
{
    AgreementFile.Run(args);
    return;
}

if (args.Length > 0 && args[0] == "agreement")
{
    AgreementBenchmark.Run(args);
    return;
}

var chars = Arg("--chars", 200_000);
var spanCount = Arg("--spans", 5_000);
var adds = Arg("--adds", 50);
var opens = Arg("--opens", 10);

var dir = Directory.CreateTempSubdirectory("annotatehub-bench-");
var connection = $"Data Source={Path.Combine(dir.FullName, "bench.db")}";
try
{
    var services = new ServiceCollection();
    // The same SQLite settings as the app (WAL, synchronous=FULL): see Data/SqlitePragmas.cs.
    var synchronous = ArgText("--synchronous", "FULL");
    services.AddSqliteDbContextFactory(connection, synchronous);
    services.AddSingleton(TimeProvider.System);
    services.AddLogging();
    services.AddAnnotationServices();
    await using var root = services.BuildServiceProvider();
    var dbFactory = root.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>();

    var (userId, documentId, text) = await SeedAsync(dbFactory, chars, spanCount);
    Console.WriteLine($"SQLite: journal_mode=WAL, synchronous={synchronous}");
    Console.WriteLine($"document: {text.Length:N0} UTF-16 units, {new CodePointIndex(text).Length:N0} code points, " +
                      $"{SpanLayout.Paragraphs(text).Count:N0} paragraphs, {spanCount:N0} annotations");

    services.AddMudServices();
    services.AddSingleton<IJSRuntime, NullJSRuntime>();
    services.AddSingleton<NavigationManager, BenchNavigationManager>();
    await using var ui = services.BuildServiceProvider();

    // Warm up JIT and EF query caches once, then measure.
    await OpenAsync(ui, documentId, userId);

    if (Arg("--memory", 0) is var holders and > 0)
    {
        // Memory per open view: K renderers each holding the page (component state, render trees, the document model),
        // managed heap after a full collection against none. A circuit holds this and Blazor's transport besides.
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var held = new List<(BenchRenderer, DocumentPage)>();
        for (var i = 0; i < holders; i++) held.Add(await OpenAsync(ui, documentId, userId));
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"memory: {holders} open views of the document: {(after - before) / 1024.0 / holders:F0} KB managed each (heap {before / 1048576.0:F1} MB -> {after / 1048576.0:F1} MB); paragraphs rendered by the first: {held[0].Item1.RenderedParagraphs}, updated {held[0].Item1.UpdatedComponents}");
        GC.KeepAlive(held);
        foreach (var (r, _) in held) r.Dispose();
        return;
    }

    var openTimes = new List<double>();
    for (var i = 0; i < opens; i++)
    {
        var sw = Stopwatch.StartNew();
        var (opened, _) = await OpenAsync(ui, documentId, userId);
        openTimes.Add(sw.Elapsed.TotalMilliseconds);
        opened.Dispose();
    }

    var (renderer, page) = await OpenAsync(ui, documentId, userId);
    var paragraphs = SpanLayout.Paragraphs(text);
    var rng = new Random(7);
    var addTimes = new List<double>();
    var updated = new List<double>();
    var selectTimes = new List<double>();
    var edits = new List<double>();
    var rendered = new List<double>();
    for (var i = 0; i < adds; i++)
    {
        var (ps, pe) = paragraphs[rng.Next(paragraphs.Count)];
        if (pe - ps < 40) { i--; continue; }
        var s = ps + rng.Next(0, pe - ps - 30);
        renderer.ResetCounters();
        var sw = Stopwatch.StartNew();
        await renderer.Dispatcher.InvokeAsync(() => page.OnSelection(s, s + 20, 0, 0));
        selectTimes.Add(sw.Elapsed.TotalMilliseconds);
        await renderer.Dispatcher.InvokeAsync(() => page.OnHotkey("1"));
        addTimes.Add(sw.Elapsed.TotalMilliseconds);
        edits.Add(renderer.Edits);
        rendered.Add(renderer.RenderedParagraphs);
        updated.Add(renderer.UpdatedComponents);
    }

    // The save alone, without the page, to show what of the add is the database.
    renderer.Dispose();
    var annotations = root.GetRequiredService<AnnotationService>();
    var labelId = (await root.GetRequiredService<LabelService>().ListAsync(1))[0].Id;
    var saveTimes = new List<double>();
    for (var i = 0; i < adds; i++)
    {
        var s = rng.Next(0, text.Length / 2);
        var sw = Stopwatch.StartNew();
        var result = await annotations.CreateAsync(documentId, userId, s, s + 10, labelId, null);
        saveTimes.Add(sw.Elapsed.TotalMilliseconds);
        if (!result.Succeeded) throw new InvalidOperationException(result.Error);
    }

    Console.WriteLine($"open (load from SQLite + lay out + first render), {opens} runs: median {Median(openTimes):F1} ms, max {openTimes.Max():F1} ms");
    Console.WriteLine($"add one annotation (snap + save with change log + re-render), {adds} runs: median {Median(addTimes):F2} ms, p95 {Percentile(addTimes, 0.95):F2} ms, max {addTimes.Max():F2} ms");
    Console.WriteLine($"  of which the selection (snap + menu) {Median(selectTimes):F2} ms median; render edits per add: median {Median(edits):F0}");
    Console.WriteLine($"  of which the save alone (AnnotationService.CreateAsync on SQLite), {adds} runs: median {Median(saveTimes):F2} ms, p95 {Percentile(saveTimes, 0.95):F2} ms");
    Console.WriteLine($"paragraph components re-rendered per add: median {Median(rendered):F0} of {paragraphs.Count:N0}, max {rendered.Max()}");
    Console.WriteLine($"components with changes sent to the browser per add (selection, menu, paragraph, side panel): median {Median(updated):F0}, max {updated.Max()}");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    dir.Delete(recursive: true);
}

static async Task<(BenchRenderer Renderer, DocumentPage Page)> OpenAsync(IServiceProvider ui, int documentId, string userId)
{
    var renderer = new BenchRenderer(ui, ui.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>());
    var page = await renderer.RenderDocumentPageAsync(documentId, userId);
    return (renderer, page);
}

static async Task<(string UserId, int DocumentId, string Text)> SeedAsync(IDbContextFactory<AnnotateHubDbContext> dbFactory, int chars, int spans)
{
    await using var db = await dbFactory.CreateDbContextAsync();
    await db.Database.MigrateAsync();
    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;");
    var user = new AppUser { UserName = "bench", NormalizedUserName = "BENCH", DisplayName = "Bench" };
    db.Users.Add(user);
    var project = new Project { Name = "bench", OwnerId = user.Id, CreatedAt = DateTime.UtcNow };
    project.Labels.AddRange(LabelRules.Defaults.Select((l, i) => new LabelDefinition { Name = l.Name, Color = l.Color, Hotkey = l.Hotkey, SortOrder = i }));
    db.Projects.Add(project);
    var text = MakeText(chars);
    var index = new CodePointIndex(text);
    var document = new Document { Project = project, Title = "Benchmark", Text = text, Length = index.Length, ContentHash = "bench", CreatedAt = DateTime.UtcNow };
    db.Documents.Add(document);
    await db.SaveChangesAsync();
    // A member of the project, or the page shows "does not exist" (and measures nothing).
    db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = user.Id, Role = AnnotateHub.Core.Projects.ProjectRole.Supervisor });
    await db.SaveChangesAsync();

    var rng = new Random(42);
    var now = DateTime.UtcNow;
    for (var i = 0; i < spans; i++)
    {
        var start = rng.Next(0, index.Length - 80);
        var length = rng.Next(3, 60);
        db.Annotations.Add(new Annotation
        {
            DocumentId = document.Id, AnnotatorId = user.Id, Start = start, End = start + length,
            LabelId = project.Labels[rng.Next(project.Labels.Count)].Id, CreatedAt = now, UpdatedAt = now, Version = 1,
        });
    }
    await db.SaveChangesAsync();
    return (user.Id, document.Id, text);
}

static string MakeText(int chars)
{
    string[] words = ["rocket", "attack", "base", "officials", "said", "injured", "soldiers", "Ain", "al-Asad", "the", "of", "a", "reported",
        "at", "least", "ten", "two", "killed", "coalition", "forces", "drone", "statement", "قاعدة", "基地", "👍🏽", "café"];
    var rng = new Random(1);
    var sb = new StringBuilder(chars + 100);
    var sentence = 0;
    while (sb.Length < chars)
    {
        var n = rng.Next(8, 24);
        for (var i = 0; i < n; i++) sb.Append(i == 0 ? "" : " ").Append(words[rng.Next(words.Length)]);
        sb.Append(". ");
        if (++sentence % 4 == 0) sb.Append('\n').Append('\n');
    }
    return sb.ToString(0, chars);
}

static int Arg(string name, int fallback)
{
    var args = Environment.GetCommandLineArgs();
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}

static string ArgText(string name, string fallback)
{
    var args = Environment.GetCommandLineArgs();
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double p)
{
    var sorted = values.OrderBy(v => v).ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
}
