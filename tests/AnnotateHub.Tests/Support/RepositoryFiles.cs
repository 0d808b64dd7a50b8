namespace AnnotateHub.Tests.Support;

/// <summary>Finds files of the repository (the demo seeds) from wherever the test assembly runs.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string SeedPath(string prefix)
    {
        var matches = Directory.GetFiles(Path.Combine(Root, "seeds"), prefix + "_*.txt");
        Assert.Single(matches);
        return matches[0];
    }

    public static string ReadSeed(string prefix) => File.ReadAllText(SeedPath(prefix));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AnnotateHub.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No AnnotateHub.sln above {AppContext.BaseDirectory}.");
    }
}
