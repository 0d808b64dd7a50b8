using System.Diagnostics;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.CommandLine;

// Building a host while another test class's WebApplicationFactory builds its own lets the factory pick up the wrong
// one (it listens to every host built in the process): these tests run alone.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CommandLineCollection
{
    public const string Name = "Command line";
}

/// <summary>The "users" commands run in-process against their own SQLite file, checked in the database and through the
/// real sign-in form of a server started on that file afterwards.</summary>
[Trait("Database", "SqliteOnly")] // the command line against a SQLite file of its own
[Collection(CommandLineCollection.Name)]
public sealed class UserCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("annotatehub-cli-").FullName;

    private string DatabasePath => Path.Combine(_folder, "cli.db");
    private string ConnectionString => $"Data Source={DatabasePath}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }

    [Fact]
    public async Task Users_add_with_role_admin_creates_an_admin_who_signs_in_through_the_login_form()
    {
        var run = await RunAsync("users", "add", "carla", "--role", "admin", "--password", "Carla-pw-5521");

        Assert.Equal((0, "Created user 'carla' (admin).\n", ""), (run.ExitCode, run.Out, run.Error));
        Assert.Equal([AppRoles.Admin], await RolesOfAsync("carla"));

        await WithServerAsync(async server =>
        {
            var cookie = await server.SignInCookieAsync("carla", "Carla-pw-5521");
            using var client = server.CreateHttpClient(allowAutoRedirect: false);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me") { Headers = { { "Cookie", cookie } } };
            using var me = await client.SendAsync(request);
            Assert.Contains("\"roles\":[\"Admin\"]", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Users_add_without_a_password_prints_a_generated_one_that_signs_in()
    {
        var run = await RunAsync("users", "add", "dmitri");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Created user 'dmitri'.", lines[0]);
        const string prefix = "Password (shown once, not stored in clear): ";
        Assert.StartsWith(prefix, lines[1], StringComparison.Ordinal);
        var password = lines[1][prefix.Length..];
        Assert.Equal(23, password.Length);
        Assert.Empty(await RolesOfAsync("dmitri"));

        await WithServerAsync(async server =>
            Assert.StartsWith(".AspNetCore.Identity.Application=", await server.SignInCookieAsync("dmitri", password), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Password_from_stdin_is_the_first_line_of_input()
    {
        var run = await RunWithInputAsync("Stdin-secret-8832\nignored\n", "users", "add", "eve", "--password-stdin", "--display-name", "Eve E.");

        Assert.Equal(0, run.ExitCode);
        await WithServerAsync(server => server.SignInCookieAsync("eve", "Stdin-secret-8832"));
        await using var db = CreateDbContext();
        Assert.Equal("Eve E.", await db.Users.Where(u => u.UserName == "eve").Select(u => u.DisplayName).SingleAsync());
    }

    [Fact]
    public async Task Weak_password_is_refused_with_Identitys_messages_and_creates_nobody()
    {
        var run = await RunAsync("users", "add", "frank", "--password", "frank1");

        Assert.Equal(ExitCodes.Refused, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Equal(
            [
                "error: Passwords must be at least 10 characters.",
                "error: Passwords must have at least one non alphanumeric character.",
                "error: Passwords must have at least one uppercase ('A'-'Z').",
                "error: Passwords must not be the user name with digits or symbols added.",
            ],
            run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        await using var db = CreateDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "frank"));
    }

    [Fact]
    public async Task Common_password_with_digits_and_symbols_added_is_refused()
    {
        var run = await RunAsync("users", "add", "gina", "--password", "Password123!");

        Assert.Equal(ExitCodes.Refused, run.ExitCode);
        Assert.Equal("error: Passwords must not be a common word with digits or symbols added; choose something less guessable.\n", run.Error);
    }

    [Fact]
    public async Task Unknown_command_prints_the_usage_to_stderr_and_exits_2()
    {
        var run = await RunAsync("frobnicate", "--now");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.StartsWith("error: unknown command 'frobnicate --now'.\nusage: AnnotateHub.Web COMMAND [ARGS]", run.Error, StringComparison.Ordinal);
        Assert.Contains("  users add NAME [--role admin|user]", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath)); // a usage error touches nothing
    }

    [Theory]
    [InlineData(new[] { "users" }, "error: 'users' needs one of: add, list, lock, remove, set-password, set-role, unlock.")]
    [InlineData(new[] { "users", "add" }, "error: 'users add' needs NAME.")]
    [InlineData(new[] { "users", "add", "hal", "--role", "king" }, "error: --role must be admin or user, not 'king'.")]
    [InlineData(new[] { "users", "add", "hal", "--colour", "red" }, "error: 'users add' has no option --colour.")]
    [InlineData(new[] { "users", "add", "hal", "--password", "A-pw-123456", "--password-stdin" }, "error: Give --password or --password-stdin, not both.")]
    [InlineData(new[] { "users", "set-role", "hal" }, "error: --role is required (admin or user).")]
    [InlineData(new[] { "users", "lock", "hal", "ivy" }, "error: Unexpected argument 'ivy'.")]
    public async Task Wrong_command_line_exits_2_with_a_clear_message(string[] args, string message)
    {
        var run = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal(message, run.Error.Split('\n')[0]);
    }

    [Fact]
    public async Task Help_lists_every_command_on_stdout_and_exits_0()
    {
        var run = await RunAsync("--help");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        foreach (var name in new[] { "users add", "users list", "users set-password", "users set-role", "users lock", "users unlock", "users remove" })
            Assert.Contains($"\n  {name}", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_user_is_refused_with_exit_code_1()
    {
        var run = await RunAsync("users", "lock", "nobody");

        Assert.Equal((ExitCodes.Refused, "error: There is no user named 'nobody'.\n"), (run.ExitCode, run.Error));
    }

    [Fact]
    public async Task Set_password_lock_unlock_and_set_role_change_the_account()
    {
        Assert.Equal(0, (await RunAsync("users", "add", "ines", "--password", "Ines-first-pw-1")).ExitCode);
        Assert.Equal(0, (await RunAsync("users", "add", "boss", "--role", "admin", "--password", "Boss-pw-77123")).ExitCode);

        var weak = await RunAsync("users", "set-password", "ines", "--password", "short");
        Assert.Equal(ExitCodes.Refused, weak.ExitCode);
        Assert.Equal((0, "Password of 'ines' changed.\n"), Outcome(await RunAsync("users", "set-password", "ines", "--password", "Ines-second-pw-2")));
        Assert.Equal((0, "'ines' is now an admin.\n"), Outcome(await RunAsync("users", "set-role", "ines", "--role", "admin")));
        Assert.Equal([AppRoles.Admin], await RolesOfAsync("ines"));
        Assert.Equal((0, "'ines' is locked out.\n"), Outcome(await RunAsync("users", "lock", "ines")));

        var list = await RunAsync("users", "list");
        Assert.Equal(
            [
                "NAME  DISPLAY NAME  ADMIN  LOCKED OUT",
                "boss  boss          yes    no",
                "ines  ines          yes    yes",
            ],
            list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // Locked: even the right password is refused.
        await WithServerAsync(server => Assert.ThrowsAsync<InvalidOperationException>(() => server.SignInCookieAsync("ines", "Ines-second-pw-2")));
        Assert.Equal((0, "'ines' is unlocked.\n"), Outcome(await RunAsync("users", "unlock", "ines")));
        Assert.Equal((0, "'ines' is now an ordinary user.\n"), Outcome(await RunAsync("users", "set-role", "ines", "--role", "user")));
        Assert.Empty(await RolesOfAsync("ines"));
        await WithServerAsync(async server =>
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => server.SignInCookieAsync("ines", "Ines-first-pw-1"));
            await server.SignInCookieAsync("ines", "Ines-second-pw-2");
        });
    }

    [Fact]
    public async Task Last_admin_is_neither_demoted_locked_nor_removed_but_an_ordinary_user_is_removed()
    {
        Assert.Equal(0, (await RunAsync("users", "add", "root2", "--role", "admin", "--password", "Root2-pw-99123")).ExitCode);
        Assert.Equal(0, (await RunAsync("users", "add", "jon", "--password", "Jon-pw-442211")).ExitCode);
        const string refusal = "error: root2 is the last administrator who can sign in; make someone else an admin first.\n";

        Assert.Equal((ExitCodes.Refused, refusal), Outcome(await RunAsync("users", "set-role", "root2", "--role", "user")));
        Assert.Equal((ExitCodes.Refused, refusal), Outcome(await RunAsync("users", "lock", "root2")));
        Assert.Equal((ExitCodes.Refused, refusal), Outcome(await RunAsync("users", "remove", "root2")));
        Assert.Equal((0, "'jon' is removed.\n"), Outcome(await RunAsync("users", "remove", "jon")));

        await using var db = CreateDbContext();
        Assert.Equal(["root2"], await db.Users.Select(u => u.UserName!).ToListAsync());
    }

    /// <summary>The real executable, as an operator runs it: the database comes from the environment, the password from
    /// stdin, and the process exits without ever listening for HTTP.</summary>
    [Fact]
    public async Task Executable_runs_users_add_on_the_database_named_by_the_environment_and_exits_without_serving()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "AnnotateHub.Web.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "users", "add", "kim", "--role", "admin", "--password-stdin" }) start.ArgumentList.Add(arg);
        start.Environment["ConnectionStrings__AnnotateHub"] = ConnectionString;
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        // Development, as under dotnet run: it also validates every service registration when the host is built.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteLineAsync("Kim-from-stdin-4411");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // a hang fails the test instead of the run
        await process.WaitForExitAsync(bound.Token);

        Assert.Equal((0, "Created user 'kim' (admin).\n", ""), (process.ExitCode, await output, await error));
        Assert.Equal([AppRoles.Admin], await RolesOfAsync("kim"));
        await using var db = CreateDbContext();
        Assert.False(await db.Projects.AnyAsync()); // the command does not import the demo corpus
    }

    private Task<CommandRun> RunAsync(params string[] args) => RunWithInputAsync("", args);

    private async Task<CommandRun> RunWithInputAsync(string stdin, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var settings = new Dictionary<string, string?> { [$"ConnectionStrings:{DataServiceExtensions.ConnectionStringName}"] = ConnectionString };
        var code = await CommandLineHost.RunAsync(args, new StringReader(stdin), output, error, settings, CancellationToken.None);
        return new CommandRun(code, output.ToString(), error.ToString());
    }

    private static (int, string) Outcome(CommandRun run) => (run.ExitCode, run.Out + run.Error);

    /// <summary>Starts the app on this test's database file, runs <paramref name="use"/>, and stops it.</summary>
    private async Task WithServerAsync(Func<AppServer, Task> use)
    {
        var server = new AppServer(DatabasePath);
        await server.InitializeAsync();
        try { await use(server); }
        finally { await server.DisposeAsync(); }
    }

    private SqliteDbContext CreateDbContext() =>
        new(new DbContextOptionsBuilder<SqliteDbContext>().UseSqlite(ConnectionString).Options);

    private async Task<List<string>> RolesOfAsync(string userName)
    {
        await using var db = CreateDbContext();
        return await (from u in db.Users
                      join ur in db.UserRoles on u.Id equals ur.UserId
                      join r in db.Roles on ur.RoleId equals r.Id
                      where u.UserName == userName
                      select r.Name!).ToListAsync();
    }

    private sealed record CommandRun(int ExitCode, string Out, string Error);
}
