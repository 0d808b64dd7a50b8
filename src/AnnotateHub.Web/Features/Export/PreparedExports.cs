using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace AnnotateHub.Web.Features.Export;

/// <summary>A finished export waiting to be downloaded by the user who prepared it.</summary>
public sealed record PreparedExport(string UserId, string Path, string FileName, string ContentType, long Bytes, DateTimeOffset PreparedAt);

/// <summary>
/// Exports prepared in the browser (so the page can show progress while they are written) wait here as temporary
/// files for their download, for <see cref="Lifetime"/>; only the user who prepared one can fetch it, by an
/// unguessable token.
/// </summary>
public sealed class PreparedExports(TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<string, PreparedExport> _files = new(StringComparer.Ordinal);

    public string NewPath(string extension) => System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"annotatehub-export-{Guid.NewGuid():N}{extension}");

    public string Add(string userId, string path, string fileName, string contentType)
    {
        Sweep();
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        _files[token] = new PreparedExport(userId, path, fileName, contentType, new FileInfo(path).Length, clock.GetUtcNow());
        return token;
    }

    /// <summary>The prepared export, or null when the token is unknown, expired or someone else's.</summary>
    public PreparedExport? Find(string token, string userId) =>
        _files.TryGetValue(token, out var file) && file.UserId == userId && clock.GetUtcNow() - file.PreparedAt < Lifetime && File.Exists(file.Path) ? file : null;

    private void Sweep()
    {
        foreach (var (token, file) in _files)
        {
            if (clock.GetUtcNow() - file.PreparedAt < Lifetime) continue;
            if (_files.TryRemove(token, out _)) TryDelete(file.Path);
        }
    }

    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* still being downloaded; the next sweep or the OS temp cleaner gets it */ }
    }

    public void Dispose()
    {
        foreach (var file in _files.Values) TryDelete(file.Path);
        _files.Clear();
    }
}
