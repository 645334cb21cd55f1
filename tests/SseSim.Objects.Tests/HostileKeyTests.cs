namespace SseSim.Objects.Tests;

/// <summary>
/// Object keys are data, never paths: keys with "..", "/", NUL, backslashes or replacement characters are stored and
/// read back exactly, and no file appears anywhere but under the data dir (the whole temp root is listed before and after).
/// </summary>
public sealed class HostileKeyTests : IDisposable
{
    public static readonly string[] Keys =
    [
        "../escape", "../../../../../../tmp/sseSim-escape", "/absolute/path", "a/../../b", "..", ".", "./.", "nul\0byte", "\0",
        "back\\slash\\..\\..\\x", "..\\..\\windows", "C:\\evil", "%2e%2e%2fencoded", "\uFFFD\uFFFD/overlong", "a//b///c", "trailing/",
        "bodies/00/00000000000000000000000000000000", "tmp/x.tmp", "kms-root.key", "~/home",
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sseSim-hostile-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Hostile_keys_round_trip_and_touch_nothing_outside_the_data_dir()
    {
        var dataDir = Path.Combine(_root, "data");
        Directory.CreateDirectory(Path.Combine(_root, "outside"));
        var tempBefore = Snapshot(Path.GetTempPath());
        using (var f = new StoreFixture(dataDir: dataDir))
        {
            await f.Store.CreateBucketAsync(StoreFixture.Alice, "hostile");
            for (var i = 0; i < Keys.Length; i++)
            {
                await f.PutAsync("hostile", Keys[i], TestUtil.Pattern(100 + i, seed: i));
            }
            for (var i = 0; i < Keys.Length; i++)
            {
                Assert.Equal(TestUtil.Pattern(100 + i, seed: i), await f.GetAsync("hostile", Keys[i]));
            }
            var listed = (await f.Store.ListObjectsAsync(StoreFixture.Alice, new ListObjectsRequest("hostile"))).Contents.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
            Assert.True(Keys.All(listed.Contains), "every hostile key lists as itself");
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "outside")));
            // Every file the store made is under the data dir, and none is named after a key.
            var created = Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).ToList();
            Assert.NotEmpty(created);
            Assert.All(created, file => Assert.StartsWith(dataDir + Path.DirectorySeparatorChar, file, StringComparison.Ordinal));
            Assert.DoesNotContain(created, file => file.Contains("escape", StringComparison.Ordinal) || file.Contains("evil", StringComparison.Ordinal));
        }
        var escaped = Snapshot(Path.GetTempPath()).Except(tempBefore).Where(p => !p.StartsWith(_root, StringComparison.Ordinal) && p.Contains("escape", StringComparison.Ordinal));
        Assert.Empty(escaped);
        Assert.False(File.Exists("/tmp/sseSim-escape"));
    }

    internal static HashSet<string> Snapshot(string dir)
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 4 }))
            {
                all.Add(entry);
            }
        }
        catch (IOException)
        {
            // Other tests create and delete under the temp dir concurrently.
        }
        return all;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
