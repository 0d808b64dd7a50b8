namespace AnnotateHub.Web.CommandLine;

/// <summary>
/// One command of the app's command line, such as <c>users add</c>. Adding a command is adding a subclass in this
/// assembly with a parameterless constructor: <see cref="CommandLineHost"/> finds it, lists it in <c>help</c>, parses
/// its arguments from <see cref="Parameters"/> and <see cref="Options"/>, and runs it on a migrated database.
/// </summary>
public abstract class Command
{
    /// <summary>The words that name the command, e.g. "users add".</summary>
    public abstract string Name { get; }

    /// <summary>One line for <c>help</c>.</summary>
    public abstract string Summary { get; }

    /// <summary>Positional arguments, all required, e.g. ["NAME"].</summary>
    public virtual IReadOnlyList<string> Parameters => [];

    public virtual IReadOnlyList<CommandOption> Options => [];

    /// <summary>
    /// Whether the command, with these arguments, works on the app's database. When false the host neither builds the
    /// app nor opens or migrates the database (e.g. <c>agreement --input FILE</c>), and <see cref="CommandContext.Services"/>
    /// is empty.
    /// </summary>
    public virtual bool NeedsDatabase(CommandArguments arguments) => true;

    /// <summary>
    /// Whether the host prepares the database before running the command: holds the shared "in use" lock and applies
    /// pending migrations. False for commands that handle the file themselves (<c>backup</c> must not migrate a running
    /// server's database; <c>restore</c> takes the lock exclusively): they get the app's services and nothing more.
    /// </summary>
    public virtual bool PreparesDatabase => true;

    /// <summary>Returns the process exit code (<see cref="ExitCodes"/>). Throw <see cref="CommandUsageException"/> for bad arguments.</summary>
    public abstract Task<int> RunAsync(CommandContext context, CancellationToken ct);

    public string Usage
    {
        get
        {
            var parts = new List<string> { Name };
            parts.AddRange(Parameters);
            parts.AddRange(Options.Select(o => o.ValueName is null ? $"[{o.Name}]" : $"[{o.Name} {o.ValueName}]"));
            return string.Join(' ', parts);
        }
    }
}

/// <summary>An option of a command: <c>--role admin</c> when <paramref name="ValueName"/> is set, else a flag such as <c>--password-stdin</c>.</summary>
public sealed record CommandOption(string Name, string? ValueName, string Description);

public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command was understood but refused: unknown user, weak password, last admin.</summary>
    public const int Refused = 1;
    /// <summary>The command line itself is wrong: unknown command or option, missing argument.</summary>
    public const int Usage = 2;
}

/// <summary>Bad arguments: the host prints the message and the command's usage to stderr and exits with <see cref="ExitCodes.Usage"/>.</summary>
public sealed class CommandUsageException(string message) : Exception(message);

/// <summary>What a running command gets: its parsed arguments, the app's services (database migrated; none when the command
/// does not need the database), the console, and the directory the command was typed in.</summary>
public sealed class CommandContext(CommandArguments arguments, IServiceProvider services, TextReader input, TextWriter output, TextWriter error,
    string workingDirectory)
{
    public CommandArguments Arguments { get; } = arguments;
    public IServiceProvider Services { get; } = services;
    public TextReader In { get; } = input;
    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;

    /// <summary>Where relative paths of the command line are taken from (<see cref="CommandDirectory.Typed()"/>), absolute.</summary>
    public string WorkingDirectory { get; } = Path.GetFullPath(workingDirectory);

    /// <summary>
    /// <paramref name="path"/> as an absolute path: a relative one is taken from the directory the command was typed in,
    /// never from the app's content root or the process's current directory. Every path option goes through here, and
    /// every message names the path this returns.
    /// </summary>
    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);

    /// <summary>The value of a path option (<c>--input</c>, <c>--output</c>, <c>--gazetteer</c>) as an absolute path; null when not given.</summary>
    public string? PathOption(string option) => Arguments.Value(option) is { } path ? FullPath(path) : null;

    /// <summary>Prints each error on its own line to stderr and returns <see cref="ExitCodes.Refused"/>.</summary>
    public int Refuse(IEnumerable<string> errors)
    {
        foreach (var e in errors) Error.WriteLine($"error: {e}");
        return ExitCodes.Refused;
    }
}

/// <summary>A command's arguments after parsing: positional values in order, option values by name.</summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _options;

    private CommandArguments(IReadOnlyList<string> positional, Dictionary<string, string?> options)
    {
        Positional = positional;
        _options = options;
    }

    public IReadOnlyList<string> Positional { get; }

    public bool Has(string option) => _options.ContainsKey(option);

    public string? Value(string option) => _options.GetValueOrDefault(option);

    /// <summary>Parses <paramref name="args"/> (the words after the command's name) against the command's declaration.</summary>
    public static CommandArguments Parse(Command command, IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var (name, inline) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
                var option = command.Options.FirstOrDefault(o => o.Name == name)
                    ?? throw new CommandUsageException($"'{command.Name}' has no option {name}.");
                if (options.ContainsKey(name)) throw new CommandUsageException($"{name} is given twice.");
                if (option.ValueName is null)
                {
                    if (inline is not null) throw new CommandUsageException($"{name} takes no value.");
                    options[name] = null;
                }
                else
                {
                    var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new CommandUsageException($"{name} needs a value ({option.ValueName})."));
                    options[name] = value;
                }
            }
            else
            {
                positional.Add(arg);
            }
        }
        if (positional.Count < command.Parameters.Count)
            throw new CommandUsageException($"'{command.Name}' needs {string.Join(" ", command.Parameters.Skip(positional.Count))}.");
        if (positional.Count > command.Parameters.Count)
            throw new CommandUsageException($"Unexpected argument '{positional[command.Parameters.Count]}'.");
        return new CommandArguments(positional, options);
    }
}
