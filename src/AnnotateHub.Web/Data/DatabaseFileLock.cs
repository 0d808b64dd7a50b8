using System.Diagnostics;

namespace AnnotateHub.Web.Data;

/// <summary>
/// An OS lock on a small file beside the SQLite database (flock on Linux and macOS, a share mode on Windows), taken
/// through .NET's FileShare: <see cref="FileShare.None"/> is exclusive, a read-only open is shared. The OS drops it
/// when its process ends, killed or not, so a crash can never leave one behind (EF Core's <c>__EFMigrationsLock</c>
/// row can). The files stay on disk: deleting one while another process waits on it would let two processes hold it.
/// Decision 0032.
/// </summary>
public sealed class DatabaseFileLock : IDisposable
{
    /// <summary>How often a waiter tries again, and how often it says it is still waiting.</summary>
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    private readonly FileStream _stream;

    private DatabaseFileLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Held exclusively while migrating (and by <c>restore</c>): one migrator at a time.</summary>
    public static string MigrationLockPath(string databasePath) => databasePath + "-migrate.lock";

    /// <summary>Held shared by every server and command using the database, exclusively by <c>restore</c>.</summary>
    public static string InUseLockPath(string databasePath) => databasePath + "-inuse.lock";

    /// <summary>The lock, or null when another holder has it (or, for a shared lock, an exclusive holder has it).</summary>
    public static DatabaseFileLock? TryAcquire(string path, bool exclusive)
    {
        try
        {
            // Shared: read access, so .NET takes flock(LOCK_SH) on every file system (it skips a shared lock opened for
            // writing on NFS and SMB). The file must exist for a read-only open.
            if (!exclusive && !File.Exists(path)) new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete).Dispose();
            var stream = exclusive
                ? new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
                : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new DatabaseFileLock(stream, path);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            return null; // held by someone else ("being used by another process")
        }
    }

    /// <summary>
    /// Waits for the lock at most <paramref name="limit"/>, calling <paramref name="waiting"/> at once and every 10 s
    /// with the time waited so far; then gives up with a <see cref="TimeoutException"/> that names the file.
    /// </summary>
    public static async Task<DatabaseFileLock> AcquireAsync(string path, bool exclusive, TimeSpan limit, Action<TimeSpan> waiting, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var reported = TimeSpan.MinValue;
        while (true)
        {
            if (TryAcquire(path, exclusive) is { } acquired) return acquired;
            if (clock.Elapsed >= limit)
            {
                throw new TimeoutException($"Gave up after {limit.TotalSeconds:0} s waiting for the lock file {path}: another process holds it. " +
                    $"Find it with 'fuser {path}' (or lsof) and stop it if it is stuck; the lock goes when that process ends.");
            }
            if (reported == TimeSpan.MinValue || clock.Elapsed - reported >= ReportEvery)
            {
                reported = clock.Elapsed;
                waiting(clock.Elapsed);
            }
            await Task.Delay(RetryEvery, ct);
        }
    }

    public void Dispose() => _stream.Dispose();
}
