using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.CommandLine;

/// <summary>
/// A temporary folder with its own SQLite file, and the app's command line run in-process against it: the shared
/// setting of the command tests (in the "Command line" collection, one at a time).
/// </summary>
public abstract class CommandLineSandbox : IDisposable
{
    protected string Folder { get; } = Directory.CreateTempSubdirectory("annotatehub-cli-").FullName;
    protected string DatabasePath => Path.Combine(Folder, "cli.db");
    protected string ConnectionString => $"Data Source={DatabasePath}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
        GC.SuppressFinalize(this);
    }

    protected SqliteDbContext CreateDbContext() =>
        new(new DbContextOptionsBuilder<SqliteDbContext>().UseSqlite(ConnectionString).Options);

    protected Task<CommandRun> RunAsync(params string[] args) => RunInAsync(Environment.CurrentDirectory, args);

    /// <summary>The command line as if typed in <paramref name="workingDirectory"/> (the process's own stays where it is).</summary>
    protected async Task<CommandRun> RunInAsync(string workingDirectory, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var settings = new Dictionary<string, string?> { [$"ConnectionStrings:{DataServiceExtensions.ConnectionStringName}"] = ConnectionString };
        var code = await CommandLineHost.RunAsync(args, new StringReader(""), output, error, settings, workingDirectory, CancellationToken.None);
        return new CommandRun(code, output.ToString(), error.ToString());
    }

    protected sealed record CommandRun(int ExitCode, string Out, string Error);
}
