using System.Buffers.Binary;
using System.Text;
using FASTER.core;
using SseSim.Core.Storage;

namespace SseSim.Storage.Faster.Tests;

/// <summary>Commit metadata in two overwritten slots (docs/formats/faster-log-commits.md).</summary>
public sealed class CommitSlotTests : IDisposable
{
    private const int SlotSize = 4096;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string SlotFile => Path.Combine(_dir.Path, "commit-slots");

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Commits_overwrite_two_slots_and_leave_no_other_commit_files()
    {
        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            for (var i = 0; i < 20; i++)
            {
                await store.PutAsync($"k{i}", Bytes($"v{i}"));
            }
        }
        Assert.Equal(2 * SlotSize, new FileInfo(SlotFile).Length);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "log-commits")));
        var (a, b) = (CommitNum(0), CommitNum(1));
        Assert.True(a > 0 && b > 0 && a != b, $"slots hold commits {a} and {b}");

        await using var reopened = new FasterKeyValueStore(_dir.Path);
        Assert.Equal(20, reopened.Count);
    }

    [Fact]
    public async Task A_torn_newest_slot_recovers_from_the_other_one()
    {
        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            await store.PutAsync("first", Bytes("1"));
            await store.PutAsync("second", Bytes("2"));
        }
        // As if the crash hit while the newest commit's slot was being written.
        var newest = CommitNum(0) > CommitNum(1) ? 0 : 1;
        FlipByte(newest * SlotSize + 30);

        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            Assert.True(store.TryGet("first", out var v));
            Assert.Equal("1", Encoding.UTF8.GetString(v));
            await store.PutAsync("third", Bytes("3"));
        }
        // The next commit went to the torn slot, never over the one recovery used.
        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            Assert.True(store.TryGet("first", out _));
            Assert.True(store.TryGet("third", out _));
        }
    }

    [Fact]
    public async Task Two_damaged_slots_refuse_to_open()
    {
        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            await store.PutAsync("k", Bytes("v"));
            await store.PutAsync("k2", Bytes("v"));
        }
        FlipByte(30);
        FlipByte(SlotSize + 30);

        Assert.Throws<InvalidDataException>(() => new FasterKeyValueStore(_dir.Path));
    }

    [Fact]
    public async Task A_log_committed_with_commit_files_is_recovered_and_moved_to_slots()
    {
        // The layout before commit slots: FASTER's default commit manager, one file per commit in log-commits/.
        using (var device = Devices.CreateLogDevice(Path.Combine(_dir.Path, "log"), preallocateFile: false, deleteOnClose: false, recoverDevice: true))
        using (var log = new FasterLog(new FasterLogSettings
        {
            LogDevice = device,
            LogCommitDir = _dir.Path,
            PageSizeBits = 20,
            MemorySizeBits = 22,
            SegmentSizeBits = 24,
            LogChecksum = LogChecksumType.PerEntry,
        }))
        {
            log.Enqueue(LegacyEntry("old", "value"));
            log.Commit(spinWait: true);
        }
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_dir.Path, "log-commits")));

        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            Assert.True(store.TryGet("old", out var v));
            Assert.Equal("value", Encoding.UTF8.GetString(v));
            await store.PutAsync("new", Bytes("n"));
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir.Path, "log-commits")));
        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            Assert.True(store.TryGet("old", out _));
            Assert.True(store.TryGet("new", out _));
        }
    }

    private long CommitNum(int slot)
    {
        using var file = File.OpenHandle(SlotFile);
        var header = new byte[16];
        RandomAccess.Read(file, header, slot * SlotSize);
        return BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(8));
    }

    private void FlipByte(long offset)
    {
        using var file = File.OpenHandle(SlotFile, FileMode.Open, FileAccess.ReadWrite);
        var one = new byte[1];
        RandomAccess.Read(file, one, offset);
        one[0] ^= 0x5A;
        RandomAccess.Write(file, one, offset);
    }

    // One whole table record (GroupCommitLog fragment flags 3 = first|last, then FasterKeyValueStore's batch of one put).
    private static byte[] LegacyEntry(string key, string value)
    {
        var k = Bytes(key);
        var v = Bytes(value);
        var entry = new byte[1 + 1 + 4 + 1 + 4 + k.Length + 4 + v.Length];
        entry[0] = 3;
        entry[1] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(entry.AsSpan(2), 1);
        entry[6] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(entry.AsSpan(7), k.Length);
        k.CopyTo(entry, 11);
        BinaryPrimitives.WriteInt32LittleEndian(entry.AsSpan(11 + k.Length), v.Length);
        v.CopyTo(entry, 15 + k.Length);
        return entry;
    }
}
