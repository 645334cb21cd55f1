using System.Runtime.InteropServices;

namespace SseSim.Core.Storage;

/// <summary>
/// Directory fsync. Syncing a file makes its contents durable, not its name: after a power loss (not a process
/// crash) a new file, a rename or a new directory is there only if its parent directory was fsynced afterwards.
/// FASTER writes with O_SYNC but never fsyncs a directory, and .NET has no managed API for it (ebs.md 4.4).
/// </summary>
public static partial class DirectorySync
{
    /// <summary>Creates <paramref name="path"/> (and missing parents) and makes the new entries durable.</summary>
    public static void CreateDurable(string path)
    {
        var full = Path.GetFullPath(path);
        var missing = new List<string>();
        for (var p = full; p is not null && !Directory.Exists(p); p = Path.GetDirectoryName(p))
        {
            missing.Add(p);
        }
        if (missing.Count == 0)
        {
            return;
        }
        Directory.CreateDirectory(full);
        // Sync top-down: each new directory itself, then the parent that gained its entry.
        for (var i = missing.Count - 1; i >= 0; i--)
        {
            Sync(missing[i]);
            var parent = Path.GetDirectoryName(missing[i]);
            if (parent is not null)
            {
                Sync(parent);
            }
        }
    }

    /// <summary>fsyncs one directory; a no-op where the platform has no directory fsync (Windows).</summary>
    public static void Sync(string directory, bool ignoreMissing = false)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (ignoreMissing && errno == 2 /* ENOENT */)
            {
                return;
            }
            throw new IOException($"open({directory}) failed: errno {errno}");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                // EINVAL: the filesystem does not support syncing directories (e.g. some FUSE/tmpfs); nothing to do.
                if (errno != 22)
                {
                    throw new IOException($"fsync({directory}) failed: errno {errno}");
                }
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/> and makes the new name durable.</summary>
    public static void MoveDurable(string source, string destination, bool overwrite = false)
    {
        File.Move(source, destination, overwrite);
        Sync(Path.GetDirectoryName(Path.GetFullPath(destination))!);
    }

    /// <summary>fsyncs every directory below <paramref name="root"/> (children first), then root itself.</summary>
    public static void SyncTree(string root)
    {
        SyncChildren(root);
        Sync(root);
    }

    private static void SyncChildren(string directory)
    {
        string[] children;
        try
        {
            children = Directory.GetDirectories(directory);
        }
        catch (DirectoryNotFoundException)
        {
            // FASTER deleted an outdated checkpoint directory while we walked: nothing left to sync there.
            return;
        }
        foreach (var child in children)
        {
            SyncChildren(child);
            Sync(child, ignoreMissing: true);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
