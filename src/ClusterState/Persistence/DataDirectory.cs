namespace ClusterState.Persistence;

/// <summary>
/// A store's directory: <c>LOCK</c> (held open exclusively while the store is open, so that a second store, in
/// this process or another, cannot open it), <c>wal/</c> (log segments) and <c>snap/</c> (snapshots).
/// </summary>
internal sealed class DataDirectory : IDisposable
{
    private readonly FileStream _lock;

    private DataDirectory(string root, FileStream lockFile)
    {
        Root = root;
        _lock = lockFile;
        WalPath = Path.Combine(root, "wal");
        SnapshotPath = Path.Combine(root, "snap");
        if (!Directory.Exists(WalPath) || !Directory.Exists(SnapshotPath))
        {
            Directory.CreateDirectory(WalPath);
            Directory.CreateDirectory(SnapshotPath);
            Files.DurableFiles.SyncDirectory(root);
        }
    }

    public string Root { get; }

    public string WalPath { get; }

    public string SnapshotPath { get; }

    /// <exception cref="DataDirectoryLockedException">Another store holds the directory.</exception>
    public static DataDirectory Open(string path)
    {
        var root = Path.GetFullPath(path);
        Directory.CreateDirectory(root);
        try
        {
            var lockFile = new FileStream(Path.Combine(root, "LOCK"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            try
            {
                return new DataDirectory(root, lockFile);
            }
            catch
            {
                // Creating or syncing the subdirectories failed: the lock must not stay held.
                lockFile.Dispose();
                throw;
            }
        }
        catch (IOException ex) when (IsLockConflict(ex))
        {
            throw new DataDirectoryLockedException($"The data directory {root} is in use by another store (its LOCK file is held).", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only file system, missing permissions, a bad path: not another store.
            throw new StoreUnavailableException($"The data directory {root} cannot be opened for writing: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Whether opening the LOCK file failed because another handle holds it: <c>EWOULDBLOCK</c> from <c>flock</c> on
    /// Unix, a sharing or lock violation on Windows.
    /// </summary>
    private static bool IsLockConflict(IOException ex) => OperatingSystem.IsWindows()
        ? (ex.HResult & 0xFFFF) is SharingViolation or LockViolation
        : ex.HResult == (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 35 : WouldBlock);

    private const int WouldBlock = 11;
    private const int SharingViolation = 32;
    private const int LockViolation = 33;

    public void Dispose() => _lock.Dispose();
}
