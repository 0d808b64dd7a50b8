namespace AnnotateHub.Web.CommandLine;

/// <summary>
/// The directory a command was typed in, which relative paths on its command line mean. Usually the process's current
/// directory; but <c>dotnet run --project src/AnnotateHub.Web</c> starts the app inside the project's folder (the SDK's
/// run working directory, so appsettings.json and the database are found), while the shell that typed the command was
/// elsewhere. The shell says where in <c>PWD</c>, which the SDK passes on unchanged.
/// </summary>
public static class CommandDirectory
{
    /// <summary>The directory to resolve this process's command-line paths against.</summary>
    public static string Typed() => Typed(Environment.CurrentDirectory, Environment.GetEnvironmentVariable("PWD"), Directory.Exists, File.Exists);

    /// <summary>
    /// <paramref name="currentDirectory"/>, unless it is the web project's own folder (it holds AnnotateHub.Web.csproj: the
    /// app was started by <c>dotnet run</c>) and <paramref name="pwd"/> names another existing directory: then that one.
    /// A <c>PWD</c> inherited by a process started elsewhere (a service, a test) is ignored, as it may be stale.
    /// </summary>
    public static string Typed(string currentDirectory, string? pwd, Func<string, bool> directoryExists, Func<string, bool> fileExists)
    {
        var startedByDotnetRun = fileExists(Path.Combine(currentDirectory, "AnnotateHub.Web.csproj"));
        return startedByDotnetRun && pwd is { Length: > 0 } && Path.IsPathRooted(pwd) && directoryExists(pwd) ? pwd : currentDirectory;
    }
}
