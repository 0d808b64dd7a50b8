using System.Diagnostics;
using System.Globalization;
using AnnotateHub.Core.Curation;
using AnnotateHub.Core.Labels;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features;
using AnnotateHub.Web.Features.Curation;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnnotateHub.Benchmarks;

/// <summary>
/// Curation at scale, through the real CurationService on a SQLite file (the app's settings), printing numbers and
/// asserting nothing:
/// 1. the automatic merge of a whole project of D documents and three annotators who each made S spans per document
///    (85% agree with a hidden "true" span, the rest change its label, shift a boundary or leave it out);
/// 2. opening the curation view (server time: read, units, lanes) of one document of C characters with three lanes of
///    L spans each.
/// Run: dotnet run -c Release --project tests/AnnotateHub.Benchmarks -- curation [--documents 10000 --spans 34 --chars 200000 --lane-spans 5000]
/// </summary>
public static class CurationBenchmark
{
    public static async Task RunAsync(int documents, int spansPerAnnotator, int chars, int laneSpans)
    {
        var dir = Directory.CreateTempSubdirectory("annotatehub-curation-");
        var database = Path.Combine(dir.FullName, "curation.db");
        try
        {
            var services = new ServiceCollection();
            services.AddSqliteDbContextFactory($"Data Source={database}");
            services.AddSingleton(TimeProvider.System);
            services.AddLogging();
            services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
            services.AddAnnotationServices();
            await using var root = services.BuildServiceProvider();
            var dbFactory = root.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>();
            await using (var db = await dbFactory.CreateDbContextAsync())
            {
                await db.Database.MigrateAsync();
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;");
            }
            var curator = LargeCorpus.AddUser(database, "curator");
            var annotators = new[] { "ana", "ben", "cy" }.Select(n => LargeCorpus.AddUser(database, n)).ToList();

            var sw = Stopwatch.StartNew();
            var (projectId, spans) = Write(database, "Merge", curator, annotators, documents, spansPerAnnotator, chars: 1_200, seed: 1);
            Console.WriteLine($"project: {documents:N0} documents x 3 annotators, {spans:N0} spans, all done; written in {sw.Elapsed.TotalSeconds:N1} s");
            var curation = root.GetRequiredService<CurationService>();

            // A warm-up on a small project of its own, so the merge below measures the work, not the JIT.
            var (warmId, _) = Write(database, "Warm-up", curator, annotators, 20, spansPerAnnotator, chars: 1_200, seed: 2);
            await curation.MergeProjectAsync(warmId, curator, new MergeRule.AllWhoAnnotatedAgree());
            MergeWriter.Timings.Take();

            // The first rule proposes nothing (four votes among three annotators): what reading and grouping cost alone.
            foreach (var rule in new MergeRule[] { new MergeRule.Vote(4, 1), new MergeRule.Vote(2, 0.6), new MergeRule.AllAgree() })
            {
                sw.Restart();
                var result = await curation.MergeProjectAsync(projectId, curator, rule);
                if (!result.Succeeded) throw new InvalidOperationException(result.Error);
                var (read, plan, delete, insert, history, commit) = MergeWriter.Timings.Take();
                var total = sw.Elapsed.TotalSeconds;
                // Reading and planning the next batch overlap writing this one: the stages add up to more than the whole.
                Console.WriteLine($"merge of the whole project ({rule.Describe()}): {total:N2} s, {result.Count:N0} gold spans proposed " +
                                  $"({documents / total:N0} documents/s); stages (reading and planning overlap writing): reading {read:N2} s, " +
                                  $"units and rules {plan:N2} s, deletes {delete:N2} s, inserts {insert:N2} s, history {history:N2} s, commits {commit:N2} s; " +
                                  $"batches read again {MergeWriter.Timings.TakeRereads()}");
            }

            // Slots for about laneSpans spans per lane after the 4% each annotator leaves out.
            var (bigProject, _) = Write(database, "Big document", curator, annotators, 1, (laneSpans * 100 / 96) + 1, chars, seed: 3);
            int documentId;
            await using (var db = await dbFactory.CreateDbContextAsync())
            {
                documentId = await db.Documents.Where(d => d.ProjectId == bigProject).Select(d => d.Id).SingleAsync();
            }
            await curation.LoadAsync(documentId, curator);
            var times = new List<double>();
            CurationState? state = null;
            for (var i = 0; i < 7; i++)
            {
                sw.Restart();
                (state, _) = await curation.LoadAsync(documentId, curator);
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine($"curation view of a {chars:N0}-character document, 3 lanes of {laneSpans:N0} spans ({state!.Units.Count:N0} units, " +
                              $"{state.Disagreements:N0} disagreements): median {times[times.Count / 2]:N0} ms, max {times[^1]:N0} ms of 7 opens (server time: read, units, lanes)");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { dir.Delete(recursive: true); }
            catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    /// <summary>A project whose annotators mostly agree: one hidden span per slot of 34 code points, each annotator
    /// copies it (85%), changes its label (6%), shifts its end (5%) or leaves it out (4%).</summary>
    private static (int ProjectId, long Spans) Write(string database, string name, string owner, IReadOnlyList<string> annotators, int documents, int slots, int chars, int seed)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        using var tx = connection.BeginTransaction();
        var projectId = Convert.ToInt32(Scalar(connection, tx, "INSERT INTO Projects (Name, OwnerId, CreatedAt, Mode) VALUES ($n, $o, $t, 'Open'); SELECT last_insert_rowid();",
            ("$n", name), ("$o", owner), ("$t", now)), CultureInfo.InvariantCulture);
        var labels = LabelRules.Defaults.Select((l, i) => Convert.ToInt32(Scalar(connection, tx,
            "INSERT INTO Labels (ProjectId, Name, Color, Hotkey, SortOrder) VALUES ($p, $n, $c, $h, $s); SELECT last_insert_rowid();",
            ("$p", projectId), ("$n", l.Name), ("$c", l.Color), ("$h", l.Hotkey), ("$s", i)), CultureInfo.InvariantCulture)).ToList();
        Scalar(connection, tx, "INSERT INTO ProjectMembers (ProjectId, UserId, Role, AddedAt) VALUES ($p, $u, 'Supervisor', $t);", ("$p", projectId), ("$u", owner), ("$t", now));
        foreach (var a in annotators)
            Scalar(connection, tx, "INSERT INTO ProjectMembers (ProjectId, UserId, Role, AddedAt) VALUES ($p, $u, 'Annotator', $t);", ("$p", projectId), ("$u", a), ("$t", now));
        using var document = Command(connection, tx, "INSERT INTO Documents (ProjectId, Title, Text, Length, ContentHash, CreatedAt) VALUES ($p, $title, $text, $len, $hash, $t); SELECT last_insert_rowid();");
        using var span = Command(connection, tx, "INSERT INTO Annotations (DocumentId, AnnotatorId, Start, \"End\", LabelId, CreatedAt, UpdatedAt, Version) VALUES ($d, $a, $s, $e, $l, $t, $t, 1);");
        using var assignment = Command(connection, tx, "INSERT INTO Assignments (DocumentId, UserId, ProjectId, State, AssignedAt, StartedAt, DoneAt) VALUES ($d, $u, $p, 'Done', $t, $t, $t);");
        var rng = new Random(seed);
        long count = 0;
        for (var i = 0; i < documents; i++)
        {
            var text = LargeCorpus.TextOf(i, chars);
            var length = text.EnumerateRunes().Count();
            Bind(document, ("$p", projectId), ("$title", $"{name} {i}"), ("$text", text), ("$len", length), ("$hash", $"{name}-{i}-{seed}"), ("$t", now));
            var documentId = Convert.ToInt32(document.ExecuteScalar(), CultureInfo.InvariantCulture);
            var width = Math.Max(8, length / Math.Max(1, slots));
            for (var slot = 0; slot < slots && (slot * width) + width <= length; slot++)
            {
                var start = slot * width;
                var end = start + 3 + rng.Next(Math.Max(1, width - 5));
                var label = labels[rng.Next(labels.Count)];
                foreach (var annotator in annotators)
                {
                    var roll = rng.Next(100);
                    if (roll >= 96) continue;
                    var (s, e, l) = roll < 85 ? (start, end, label) : roll < 91 ? (start, end, labels[(labels.IndexOf(label) + 1) % labels.Count]) : (start, Math.Min(start + width - 1, end + 1), label);
                    Bind(span, ("$d", documentId), ("$a", annotator), ("$s", s), ("$e", e), ("$l", l), ("$t", now));
                    span.ExecuteNonQuery();
                    count++;
                }
            }
            foreach (var annotator in annotators)
            {
                Bind(assignment, ("$d", documentId), ("$u", annotator), ("$p", projectId), ("$t", now));
                assignment.ExecuteNonQuery();
            }
        }
        tx.Commit();
        return (projectId, count);
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, tx, sql);
        Bind(command, parameters);
        return command.ExecuteScalar();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        command.Parameters.Clear();
        foreach (var (n, v) in parameters) command.Parameters.AddWithValue(n, v ?? DBNull.Value);
    }
}
