using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AnnotateHub.Web.Data;

/// <summary>Prepared commands on a context's own connection and transaction, for the hot paths that skip EF Core's
/// change tracker (imports, live creates). Plain SQL with quoted identifiers and named parameters, which SQLite and
/// PostgreSQL both accept.</summary>
internal static class PreparedSql
{
    /// <summary>A command with one parameter per name, in order, prepared on the context's connection and its current
    /// transaction (if any). The caller disposes it.</summary>
    public static DbCommand Prepare(AnnotateHubDbContext db, string sql, params string[] names)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var name in names)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            command.Parameters.Add(p);
        }
        // SQLite compiles the statement once here. Npgsql must know each parameter's type to prepare, which only the first
        // values tell: there the statement is sent as it is each time (the server's plan cache still applies).
        if (db.Database.IsSqlite()) command.Prepare();
        return command;
    }

    /// <summary>Sets the parameters in the order they were prepared; null becomes SQL NULL.</summary>
    public static void Bind(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }
}
