using System.Globalization;
using System.Text;
using AnnotateHub.Core.Documents;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Projects;
using AnnotateHub.Core.Text;
using Microsoft.Data.Sqlite;

namespace AnnotateHub.IntegrationTests.Infrastructure;

/// <summary>
/// Writes a large project straight into an app database (already migrated) with prepared SQLite inserts, committing
/// every <see cref="CommitEvery"/> documents: tens of thousands of documents in seconds, where the importer would take
/// minutes. Deterministic: document i is titled <see cref="TitleOf"/>(i), dated <see cref="PublishedOf"/>(i), and has
/// <c>spansPerDocument</c> spans shared out among the annotators in turn, each of whom has marked every document done.
/// Shared by the integration tests and the benchmark (linked into tests/AnnotateHub.Benchmarks).
/// </summary>
public static class LargeCorpus
{
    public const int CommitEvery = 5_000;
    public static readonly string[] Outlets = ["Wire", "Daily Herald", "Evening Post", "Radio Free", "Gazette"];

    private static readonly string[] Words =
        ["rocket", "attack", "base", "officials", "said", "injured", "soldiers", "the", "of", "a", "reported", "at", "least", "ten",
         "two", "killed", "coalition", "forces", "drone", "statement", "قاعدة", "基地", "café", "👍🏽"];

    public sealed record Result(int ProjectId, IReadOnlyList<int> LabelIds, long Spans);

    public static string TitleOf(int i) => $"Bulk report {i:D6}";

    public static DateOnly PublishedOf(int i) => new DateOnly(2020, 1, 1).AddDays(i % 1500);

    /// <summary>The text of document <paramref name="i"/>: about <paramref name="chars"/> characters, ending with its number.</summary>
    public static string TextOf(int i, int chars = 1_200)
    {
        var rng = new Random(i);
        var text = new StringBuilder(chars + 40);
        text.Append(TitleOf(i)).Append(".\n\n");
        while (text.Length < chars)
        {
            text.Append(Words[rng.Next(Words.Length)]).Append(rng.Next(12) == 0 ? ".\n\n" : " ");
        }
        return text.Append("document ").Append(i.ToString(CultureInfo.InvariantCulture)).Append('.').ToString();
    }

    /// <summary>Creates project <paramref name="name"/> owned by <paramref name="ownerId"/> with the default labels, the
    /// annotators as members, and <paramref name="documents"/> documents.</summary>
    /// <remarks><paramref name="titleOf"/> names document i (default <see cref="TitleOf"/>); <paramref name="stateOf"/> is every
    /// annotator's state of document i (default done).</remarks>
    public static Result Write(string databasePath, string name, string ownerId, IReadOnlyList<string> annotatorIds, int documents,
        int spansPerDocument, int chars = 1_200, Func<int, string>? titleOf = null, Func<int, AssignmentState>? stateOf = null)
    {
        titleOf ??= TitleOf;
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 10000;");
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

        var transaction = connection.BeginTransaction();
        var projectId = Convert.ToInt32(Scalar(connection, transaction,
            "INSERT INTO Projects (Name, Description, OwnerId, CreatedAt, Mode) VALUES ($name, NULL, $owner, $now, 'Open'); SELECT last_insert_rowid();",
            ("$name", name), ("$owner", ownerId), ("$now", now)), CultureInfo.InvariantCulture);
        var labelIds = new List<int>();
        for (var l = 0; l < LabelRules.Defaults.Count; l++)
        {
            var label = LabelRules.Defaults[l];
            labelIds.Add(Convert.ToInt32(Scalar(connection, transaction,
                "INSERT INTO Labels (ProjectId, Name, Color, Hotkey, Description, SortOrder) VALUES ($p, $name, $color, $hotkey, NULL, $order); SELECT last_insert_rowid();",
                ("$p", projectId), ("$name", label.Name), ("$color", label.Color), ("$hotkey", label.Hotkey), ("$order", l)), CultureInfo.InvariantCulture));
        }
        foreach (var annotator in annotatorIds)
        {
            Scalar(connection, transaction, "INSERT INTO ProjectMembers (ProjectId, UserId, Role, AddedAt) VALUES ($p, $u, 'Annotator', $now);",
                ("$p", projectId), ("$u", annotator), ("$now", now));
        }

        using var document = Prepare(connection, transaction,
            "INSERT INTO Documents (ProjectId, Title, TitleKey, Outlet, PublishedOn, Url, Text, Length, ContentHash, SourceName, CreatedAt, ExternalId, ExtraMeta) " +
            "VALUES ($p, $title, $titleKey, $outlet, $published, NULL, $text, $length, $hash, 'bulk', $now, $external, NULL); SELECT last_insert_rowid();",
            "$p", "$title", "$titleKey", "$outlet", "$published", "$text", "$length", "$hash", "$now", "$external");
        using var span = Prepare(connection, transaction,
            "INSERT INTO Annotations (DocumentId, AnnotatorId, Start, \"End\", LabelId, Note, CreatedAt, UpdatedAt, Version) VALUES ($d, $a, $s, $e, $l, NULL, $now, $now, 1);",
            "$d", "$a", "$s", "$e", "$l", "$now");
        using var assignment = Prepare(connection, transaction,
            "INSERT INTO Assignments (DocumentId, UserId, ProjectId, State, AssignedAt, StartedAt, DoneAt) VALUES ($d, $u, $p, $state, $now, $started, $done);",
            "$d", "$u", "$p", "$state", "$now", "$started", "$done");

        long spans = 0;
        for (var i = 0; i < documents; i++)
        {
            if (i > 0 && i % CommitEvery == 0)
            {
                transaction.Commit();
                transaction.Dispose();
                transaction = connection.BeginTransaction();
                document.Transaction = span.Transaction = assignment.Transaction = transaction;
            }
            var title = titleOf(i);
            var text = TextOf(i, chars);
            var length = text.EnumerateRunes().Count();
            Bind(document, projectId, title, NaturalSortKey.Of(title), Outlets[i % Outlets.Length], PublishedOf(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), text, length,
                ArticleText.ContentHash(text), now, "bulk-" + i.ToString(CultureInfo.InvariantCulture));
            var documentId = Convert.ToInt32(document.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (annotatorIds.Count == 0) continue;
            var rng = new Random(i * 31 + 7);
            for (var s = 0; s < spansPerDocument; s++)
            {
                var start = rng.Next(0, Math.Max(1, length - 12));
                Bind(span, documentId, annotatorIds[s % annotatorIds.Count], start, start + 1 + rng.Next(10), labelIds[rng.Next(labelIds.Count)], now);
                span.ExecuteNonQuery();
                spans++;
            }
            var state = stateOf?.Invoke(i) ?? AssignmentState.Done;
            foreach (var annotator in annotatorIds)
            {
                Bind(assignment, documentId, annotator, projectId, state.ToString(), now, state == AssignmentState.NotStarted ? null : now,
                    state == AssignmentState.Done ? now : null);
                assignment.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        transaction.Dispose();
        return new Result(projectId, labelIds, spans);
    }

    /// <summary>Adds a user straight to the database (no password: they never sign in) and returns the id.</summary>
    public static string AddUser(string databasePath, string userName)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        var id = Guid.NewGuid().ToString();
        Scalar(connection, null,
            "INSERT INTO AspNetUsers (Id, DisplayName, UserName, NormalizedUserName, EmailConfirmed, SecurityStamp, ConcurrencyStamp, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount) " +
            "VALUES ($id, $name, $name, $normalized, 0, $stamp, $stamp, 0, 0, 1, 0);",
            ("$id", id), ("$name", userName), ("$normalized", userName.ToUpperInvariant()), ("$stamp", Guid.NewGuid().ToString()));
        return id;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (n, v) in parameters) command.Parameters.AddWithValue(n, v ?? DBNull.Value);
        return command.ExecuteScalar();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var n in names) command.Parameters.Add(new SqliteParameter { ParameterName = n });
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }
}
