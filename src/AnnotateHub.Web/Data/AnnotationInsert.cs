using System.Data.Common;

namespace AnnotateHub.Web.Data;

/// <summary>
/// The one statement that inserts an annotation without EF Core's change tracker, shared by the live creates (which
/// need the new id) and an import's bulk writer: a new annotation is at version 1 and updated when it was created.
/// Names from the model (<see cref="ModelSql"/>); prepared on the context's connection (<see cref="PreparedSql"/>).
/// </summary>
internal static class AnnotationInsert
{
    private static readonly string[] Parameters = ["@d", "@a", "@s", "@e", "@l", "@n", "@t", "@x"];

    /// <summary>Prepares the insert, with <c>RETURNING</c> the new id when <paramref name="returningId"/>. The caller disposes it.</summary>
    public static DbCommand Prepare(AnnotateHubDbContext db, bool returningId)
    {
        var sql = ModelSql.Of(db).Statements(static s => new Sql(s));
        return PreparedSql.Prepare(db, returningId ? sql.ReturningId : sql.Plain, Parameters);
    }

    /// <param name="attributes">The span's attribute values as <see cref="Annotation.Attributes"/> holds them (null for none).</param>
    public static void Bind(DbCommand command, int documentId, string annotatorId, int start, int end, int labelId, string? note, DateTime at, string? attributes) =>
        PreparedSql.Bind(command, documentId, annotatorId, start, end, labelId, note, at, attributes);

    private sealed class Sql
    {
        public Sql(ModelSql s)
        {
            Plain = s.Insert<Annotation>(
                (nameof(Annotation.DocumentId), "@d"), (nameof(Annotation.AnnotatorId), "@a"), (nameof(Annotation.Start), "@s"),
                (nameof(Annotation.End), "@e"), (nameof(Annotation.LabelId), "@l"), (nameof(Annotation.Note), "@n"),
                (nameof(Annotation.Attributes), "@x"), (nameof(Annotation.CreatedAt), "@t"), (nameof(Annotation.UpdatedAt), "@t"), (nameof(Annotation.Version), "1"));
            ReturningId = $"{Plain} RETURNING {s.Column<Annotation>(nameof(Annotation.Id))}";
        }

        public string Plain { get; }
        public string ReturningId { get; }
    }
}
