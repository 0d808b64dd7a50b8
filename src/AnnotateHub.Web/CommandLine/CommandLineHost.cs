using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.CommandLine;

/// <summary>
/// The same executable as the web app, run as a command line: <c>AnnotateHub.Web users add NAME --role admin</c>.
/// Program.cs asks <see cref="IsCommand"/> first; for a command it runs it with the app's configuration (appsettings,
/// environment variables such as <c>ConnectionStrings__AnnotateHub</c>) on a migrated database (unless the command says it
/// needs none: <see cref="Command.NeedsDatabase"/>), and exits with its code.
/// Kestrel is never started and the demo corpus is not imported.
/// </summary>
public static class CommandLineHost
{
    public const string ExecutableName = "AnnotateHub.Web";

    private static readonly string[] HelpWords = ["help", "--help", "-h", "-?"];

    /// <summary>Every command in this assembly, by name.</summary>
    public static IReadOnlyList<Command> Commands { get; } = typeof(Command).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Command)) && !t.IsAbstract)
        .Select(t => (Command)Activator.CreateInstance(t)!)
        .OrderBy(c => c.Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// True when the arguments name a command (or ask for help) rather than configure the web server: the web server's
    /// own arguments are switches (<c>--urls ...</c>) or settings (<c>Key=Value</c>).
    /// </summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (HelpWords.Contains(args[0]) || (!args[0].StartsWith('-') && !args[0].Contains('=', StringComparison.Ordinal)));

    public static async Task<int> RunAsync(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        // Taken before anything runs: relative paths mean the directory the command was typed in.
        return await RunAsync(args, Console.In, Console.Out, Console.Error, settings: null, CommandDirectory.Typed(), cancel.Token);
    }

    /// <summary>Runs a command line with the given console; <paramref name="settings"/> are added over the app's configuration (tests).</summary>
    public static Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error,
        IReadOnlyDictionary<string, string?>? settings, CancellationToken ct) =>
        RunAsync(args, input, output, error, settings, Environment.CurrentDirectory, ct);

    /// <summary>As above, with relative paths of the command line taken from <paramref name="workingDirectory"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error,
        IReadOnlyDictionary<string, string?>? settings, string workingDirectory, CancellationToken ct)
    {
        var words = args.ToList();
        var help = words.Count > 0 && HelpWords.Contains(words[0]);
        if (help) words.RemoveAt(0);
        if (words.Count > 0 && HelpWords.Contains(words[^1]))
        {
            help = true;
            words.RemoveAt(words.Count - 1);
        }

        var command = Match(words);
        if (command is null)
        {
            var group = words.Count > 0 ? Commands.Where(c => c.Name.Split(' ')[0] == words[0]).ToList() : [];
            if (help)
            {
                WriteUsage(output, group.Count > 0 ? group : Commands);
                return ExitCodes.Ok;
            }
            error.WriteLine(words.Count == 0 ? "error: no command given."
                : group.Count > 0 ? $"error: '{words[0]}' needs one of: {string.Join(", ", group.Select(c => c.Name.Split(' ', 2)[^1]))}."
                : $"error: unknown command '{string.Join(' ', words)}'.");
            WriteUsage(error, group.Count > 0 ? group : Commands);
            return ExitCodes.Usage;
        }
        if (help)
        {
            WriteCommandHelp(output, command);
            return ExitCodes.Ok;
        }

        CommandArguments arguments;
        try
        {
            arguments = CommandArguments.Parse(command, words.Skip(command.Name.Split(' ').Length).ToList());
        }
        catch (CommandUsageException e)
        {
            return UsageError(error, command, e.Message);
        }

        if (!command.NeedsDatabase(arguments))
        {
            await using var none = new ServiceCollection().BuildServiceProvider();
            try
            {
                return await command.RunAsync(new CommandContext(arguments, none, input, output, error, workingDirectory), ct);
            }
            catch (CommandUsageException e)
            {
                return UsageError(error, command, e.Message);
            }
        }

        await using var app = BuildApp(settings);
        DatabaseFileLock? inUse;
        try
        {
            inUse = command.PreparesDatabase ? await PrepareDatabaseAsync(app.Services, new ErrorWriterLogger(error), ct) : null;
        }
        catch (TimeoutException e)
        {
            // Another process is migrating or restoring the database for longer than Database:LockWaitSeconds.
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.Refused;
        }
        try
        {
            return await command.RunAsync(new CommandContext(arguments, app.Services, input, output, error, workingDirectory), ct);
        }
        catch (CommandUsageException e)
        {
            return UsageError(error, command, e.Message);
        }
        finally
        {
            inUse?.Dispose();
        }
    }

    // As a server's start does (DatabaseInitializer): the shared "in use" lock for the command's run, then migrations.
    private static async Task<DatabaseFileLock?> PrepareDatabaseAsync(IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        var dbFactory = services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>();
        var wait = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.LockWait;
        var inUse = await DatabaseInitializer.HoldInUseLockAsync(dbFactory, logger, wait, ct);
        try
        {
            await DatabaseInitializer.MigrateAsync(dbFactory, logger, wait, ct);
            return inUse;
        }
        catch
        {
            inUse?.Dispose();
            throw;
        }
    }

    // The web app's configuration sources (WebApplication's builder: appsettings, appsettings.{Environment},
    // environment variables), its data services and nothing else. Building the app does not start the server.
    private static WebApplication BuildApp(IReadOnlyDictionary<string, string?>? settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        // The command's own output is stdout; anything the framework logs goes to stderr.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // Identity's sign-in manager and token providers need these, though no command signs anyone in; without them
        // Development's service validation refuses to build.
        builder.Services.AddDataProtection();
        builder.Services.AddAuthentication();
        builder.AddAnnotateHubData();
        // The feature services (users, projects and teams, annotations, import and export) the commands use.
        AnnotateHub.Web.Features.FeatureServiceExtensions.AddAnnotationServices(builder.Services);
        return builder.Build();
    }

    private static Command? Match(List<string> words) => Commands
        .Where(c => c.Name.Split(' ') is var names && names.Length <= words.Count && names.SequenceEqual(words.Take(names.Length)))
        .MaxBy(c => c.Name.Split(' ').Length);

    private static int UsageError(TextWriter error, Command command, string message)
    {
        error.WriteLine($"error: {message}");
        error.WriteLine($"usage: {ExecutableName} {command.Usage}");
        return ExitCodes.Usage;
    }

    private static void WriteUsage(TextWriter writer, IEnumerable<Command> commands)
    {
        writer.WriteLine($"usage: {ExecutableName} COMMAND [ARGS]   (no command: start the web server)");
        writer.WriteLine("       dotnet run --project src/AnnotateHub.Web -- COMMAND [ARGS]");
        writer.WriteLine();
        writer.WriteLine("commands:");
        foreach (var c in commands)
        {
            writer.WriteLine($"  {c.Usage}");
            writer.WriteLine($"      {c.Summary}");
        }
        writer.WriteLine();
        writer.WriteLine("The database is the app's (ConnectionStrings:AnnotateHub in appsettings.json, or ConnectionStrings__AnnotateHub).");
        writer.WriteLine("Relative paths (--input, --output, --gazetteer) are taken from the directory the command is typed in.");
        writer.WriteLine("Exit codes: 0 done, 1 refused (unknown user, weak password...), 2 wrong command line.");
    }

    private static void WriteCommandHelp(TextWriter writer, Command command)
    {
        writer.WriteLine($"usage: {ExecutableName} {command.Usage}");
        writer.WriteLine();
        writer.WriteLine(command.Summary);
        if (command.Options.Count == 0) return;
        writer.WriteLine();
        writer.WriteLine("options:");
        var width = command.Options.Max(o => (o.Name + " " + o.ValueName).Trim().Length);
        foreach (var o in command.Options) writer.WriteLine($"  {(o.Name + " " + o.ValueName).Trim().PadRight(width)}  {o.Description}");
    }

    /// <summary>
    /// The start-up's messages on the command's stderr as "warning: ...": a cleared migration lock or a wait needs the
    /// operator's eye; "applying migrations" is the server's news, not a command's.
    /// </summary>
    private sealed class ErrorWriterLogger(TextWriter error) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) error.WriteLine($"{(logLevel >= LogLevel.Error ? "error" : "warning")}: {formatter(state, exception)}");
        }
    }
}
