using System.Runtime.InteropServices;

namespace ClusterState.Persistence.Files;

/// <summary>
/// The file operations every durable part of the store shares: listing a log's files, creating one, and writing a
/// whole file atomically (temporary name, fsync, rename, fsync of the directory). A new or renamed file's name lives
/// in its directory, so after a create or a rename the directory is synced too; otherwise a power loss can lose
/// the name even though the file's bytes were synced. .NET has no call for syncing a directory; on Unix it is
/// <c>open</c> + <c>fsync</c> + <c>close</c> through libc. On Windows, NTFS journals names and the call is a no-op.
/// </summary>
internal static partial class DurableFiles
{
    /// <summary>The files of <paramref name="directory"/> ending in <paramref name="extension"/>, in name order.</summary>
    public static List<string> List(string directory, string extension) =>
        [.. Directory.EnumerateFiles(directory, "*" + extension).Where(p => p.EndsWith(extension, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Creates <paramref name="path"/> (it must not exist) for appending, writes <paramref name="header"/>, and
    /// syncs file and directory when <paramref name="fsync"/>.
    /// </summary>
    public static FileStream CreateNew(string path, ReadOnlySpan<byte> header, bool fsync)
    {
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        try
        {
            file.Write(header);
            file.Flush(flushToDisk: fsync);
            if (fsync)
            {
                SyncDirectory(Path.GetDirectoryName(path)!);
            }

            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="path"/> whole or not at all: to <c>path.tmp</c>, synced (when <paramref name="fsync"/>),
    /// renamed over <paramref name="path"/>, then the directory synced. A crash leaves either the old file or the
    /// new one, and at worst a <c>.tmp</c> file that readers delete.
    /// </summary>
    public static async Task WriteAtomicallyAsync(string path, Func<Stream, CancellationToken, Task> write, bool fsync, CancellationToken cancellationToken)
    {
        var temporary = path + TemporarySuffix;
        try
        {
            var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            await using (file.ConfigureAwait(false))
            {
                await write(file, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: fsync);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        if (fsync)
        {
            SyncDirectory(Path.GetDirectoryName(path)!);
        }
    }

    /// <summary>Writes <paramref name="path"/> whole or not at all; see <see cref="WriteAtomicallyAsync"/>.</summary>
    public static void WriteAtomically(string path, Action<Stream> write, bool fsync) =>
        WriteAtomicallyAsync(path, (stream, _) => { write(stream); return Task.CompletedTask; }, fsync, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The suffix of a file being written atomically; a reader that finds one deletes it.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Deletes the leftovers of atomic writes a crash interrupted.</summary>
    public static void DeleteTemporaryFiles(string directory)
    {
        foreach (var stale in Directory.EnumerateFiles(directory, "*" + TemporarySuffix))
        {
            File.Delete(stale);
        }
    }

    /// <summary>Makes the names in <paramref name="directory"/> (files created, renamed or deleted) durable.</summary>
    /// <exception cref="IOException">The directory could not be synced.</exception>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Could not open the directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Could not sync the directory {directory} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next open to delete.
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
