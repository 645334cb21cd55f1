using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FASTER.core;
using Microsoft.Win32.SafeHandles;
using SseSim.Core.Storage;

namespace SseSim.Storage.Faster;

/// <summary>
/// FasterLog commit metadata in two checksummed slots of one preallocated file, overwritten in turn
/// (docs/formats/faster-log-commits.md). A commit is one in-place write and one fdatasync; FASTER's default manager
/// creates a new O_SYNC file per commit, deletes the previous one and needs the directory fsynced each time.
/// <para>
/// The slot not being written always holds the newest durable commit, so a write torn by a crash fails its
/// checksum and recovery uses the other slot. Commit files of the default manager (older data directories) are read
/// for recovery and deleted once the first slot commit is durable.
/// </para>
/// </summary>
internal sealed partial class SlotCommitManager : ILogCommitManager
{
    internal const string FileName = "commit-slots";
    internal const int SlotSize = 4096;
    private const int HeaderSize = 24;
    private const int ChecksumSize = 16;
    private const int MaxMetadata = SlotSize - HeaderSize - ChecksumSize;
    private const uint Magic = 0x4D435353; // "SSCM"
    private const uint Version = 1;

    private static readonly FileOptions WriteOptions = OperatingSystem.IsWindows() ? FileOptions.WriteThrough : FileOptions.None;

    private readonly string _path;
    private readonly SafeFileHandle _file;
    private readonly byte[] _buffer = new byte[SlotSize];
    private readonly Lock _lock = new();
    private readonly (long CommitNum, byte[] Metadata)?[] _slots = new (long, byte[])?[2];
    private DeviceLogCommitCheckpointManager? _legacy;
    private readonly string _legacyDirectory;
    private int _next;
    private bool _disposed;

    /// <param name="directory">The log's directory; the slot file is created there (durably) when missing.</param>
    public SlotCommitManager(string directory)
    {
        _path = Path.Combine(directory, FileName);
        _legacyDirectory = Path.Combine(directory, "log-commits");
        var created = !File.Exists(_path);
        if (created)
        {
            // Both slots zero (no commit), sized before any commit so later writes never change the file's size.
            var temp = _path + ".new";
            using (var init = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None, WriteOptions))
            {
                RandomAccess.Write(init, new byte[2 * SlotSize], 0);
                DataSync(init);
            }
            DirectorySync.MoveDurable(temp, _path, overwrite: true);
        }
        _file = File.OpenHandle(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, WriteOptions);
        try
        {
            if (RandomAccess.GetLength(_file) != 2 * SlotSize)
            {
                throw new InvalidDataException($"{_path} is {RandomAccess.GetLength(_file)} bytes, expected {2 * SlotSize}.");
            }
            var damaged = 0;
            for (var slot = 0; slot < 2; slot++)
            {
                var state = ReadSlot(slot, out _slots[slot]);
                damaged += state == SlotState.Damaged ? 1 : 0;
            }
            // A crash tears at most the slot being written; two damaged slots mean the file itself is damaged.
            if (damaged == 2)
            {
                throw new InvalidDataException($"Both commit slots in {_path} fail their checksum.");
            }
            _next = NewestSlot() is { } newest ? 1 - newest : 0;
            if (Directory.Exists(_legacyDirectory) && Directory.EnumerateFiles(_legacyDirectory).Any())
            {
                _legacy = new DeviceLogCommitCheckpointManager(new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(directory));
            }
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    private enum SlotState
    {
        Empty,
        Valid,
        Damaged,
    }

    /// <summary>Whether any commit (slot or legacy file) exists, so recovering an empty log would lose data.</summary>
    public bool HasCommits => _slots[0] is not null || _slots[1] is not null || _legacy is not null;

    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        ArgumentNullException.ThrowIfNull(commitMetadata);
        if (commitMetadata.Length > MaxMetadata)
        {
            throw new InvalidOperationException($"Commit metadata of {commitMetadata.Length} bytes does not fit a {SlotSize}-byte slot.");
        }
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Array.Clear(_buffer);
            var span = _buffer.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Version);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], commitNum);
            BinaryPrimitives.WriteInt32LittleEndian(span[16..], commitMetadata.Length);
            commitMetadata.CopyTo(span[HeaderSize..]);
            Checksum(span, commitMetadata.Length);
            RandomAccess.Write(_file, span, (long)_next * SlotSize);
            DataSync(_file);
            _slots[_next] = (commitNum, commitMetadata);
            _next = 1 - _next;
            if (_legacy is not null)
            {
                // The slots now hold a newer durable commit than any legacy file.
                _legacy.RemoveAllCommits();
                _legacy = null;
                DirectorySync.Sync(_legacyDirectory, ignoreMissing: true);
            }
        }
    }

    public byte[] GetCommitMetadata(long commitNum)
    {
        lock (_lock)
        {
            foreach (var slot in _slots)
            {
                if (slot is { } s && s.CommitNum == commitNum)
                {
                    return s.Metadata;
                }
            }
            return _legacy?.GetCommitMetadata(commitNum)!;
        }
    }

    public IEnumerable<long> ListCommits()
    {
        lock (_lock)
        {
            var commits = _slots.Where(s => s is not null).Select(s => s!.Value.CommitNum);
            if (_legacy is not null)
            {
                commits = commits.Concat(_legacy.ListCommits());
            }
            return [.. commits.Distinct().OrderDescending()];
        }
    }

    public void RemoveCommit(long commitNum)
    {
        lock (_lock)
        {
            for (var slot = 0; slot < 2; slot++)
            {
                if (_slots[slot] is { } s && s.CommitNum == commitNum)
                {
                    ClearSlot(slot);
                }
            }
            _legacy?.RemoveCommit(commitNum);
        }
    }

    public void RemoveAllCommits()
    {
        lock (_lock)
        {
            ClearSlot(0);
            ClearSlot(1);
            _legacy?.RemoveAllCommits();
        }
    }

    public void OnRecovery(long commitNum)
    {
        lock (_lock)
        {
            // Never overwrite the commit recovery used, even if FASTER skipped a newer slot it could not load.
            for (var slot = 0; slot < 2; slot++)
            {
                if (_slots[slot] is { } s && s.CommitNum == commitNum)
                {
                    _next = 1 - slot;
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _file.Dispose();
        }
    }

    private int? NewestSlot() => (_slots[0], _slots[1]) switch
    {
        (null, null) => null,
        ({ }, null) => 0,
        (null, { }) => 1,
        var (a, b) => a!.Value.CommitNum >= b!.Value.CommitNum ? 0 : 1,
    };

    private SlotState ReadSlot(int slot, out (long, byte[])? value)
    {
        value = null;
        var span = _buffer.AsSpan();
        if (RandomAccess.Read(_file, span, (long)slot * SlotSize) != SlotSize)
        {
            return SlotState.Damaged;
        }
        if (!span.ContainsAnyExcept((byte)0))
        {
            return SlotState.Empty;
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[16..]);
        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic || BinaryPrimitives.ReadUInt32LittleEndian(span[4..]) != Version
            || length < 0 || length > MaxMetadata)
        {
            return SlotState.Damaged;
        }
        Span<byte> stored = stackalloc byte[ChecksumSize];
        span.Slice(HeaderSize + length, ChecksumSize).CopyTo(stored);
        Checksum(span, length);
        if (!stored.SequenceEqual(span.Slice(HeaderSize + length, ChecksumSize)))
        {
            return SlotState.Damaged;
        }
        value = (BinaryPrimitives.ReadInt64LittleEndian(span[8..]), span.Slice(HeaderSize, length).ToArray());
        return SlotState.Valid;
    }

    private void ClearSlot(int slot)
    {
        Array.Clear(_buffer);
        RandomAccess.Write(_file, _buffer, (long)slot * SlotSize);
        DataSync(_file);
        _slots[slot] = null;
    }

    /// <summary>Writes the first 16 bytes of SHA-256 over header and metadata right after the metadata.</summary>
    private static void Checksum(Span<byte> slot, int length)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(slot[..(HeaderSize + length)], digest);
        digest[..ChecksumSize].CopyTo(slot.Slice(HeaderSize + length, ChecksumSize));
    }

    /// <summary>fdatasync (a no-op on Windows, where the files are opened write-through); also the log device's fill flush.</summary>
    internal static void DataSync(SafeFileHandle file)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // opened write-through there
        }
        // fdatasync: the write never changes the file's size, so no inode update needs to reach the disk with it.
        if (Fdatasync((int)file.DangerousGetHandle()) != 0)
        {
            throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(int fd);
}
