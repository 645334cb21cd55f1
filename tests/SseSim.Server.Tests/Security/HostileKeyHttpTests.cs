using Amazon.S3.Model;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Security;

/// <summary>The hostile object keys of SseSim.Objects.Tests.HostileKeyTests, sent over HTTP by AWSSDK.S3.</summary>
[Collection("S3")]
public sealed class HostileKeyHttpTests(ServerFixture server)
{
    private static readonly string[] Keys =
    [
        "../escape-http", "../../../../../../tmp/sseSim-escape-http", "a/../../b-escape-http", "..%2f..%2fescape-http",
        "back\\slash\\..\\..\\escape-http", "C:\\escape-http", "\uFFFD\uFFFD/overlong-escape-http", "a//b///c-escape-http", "kms-root.key",
    ];

    [Fact]
    public async Task Hostile_keys_round_trip_over_http_and_touch_nothing_outside_the_data_dir()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var tempRoot = Path.GetTempPath();
        var before = Snapshot(tempRoot);
        for (var i = 0; i < Keys.Length; i++)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Keys[i], ContentBody = "body-" + i });
        }
        for (var i = 0; i < Keys.Length; i++)
        {
            using var get = await s3.GetObjectAsync(bucket, Keys[i]);
            using var reader = new StreamReader(get.ResponseStream);
            Assert.Equal("body-" + i, await reader.ReadToEndAsync());
        }
        // Kestrel refuses a NUL in the decoded path (400) before S3 sees it; AWS would store such a key. Nothing is written.
        var nul = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "nul\0escape-http", ContentBody = "x" }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, nul.StatusCode);
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        var keys = listed.S3Objects.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        Assert.All(Keys, k => Assert.Contains(k, keys));

        var outside = Snapshot(tempRoot).Except(before)
            .Where(p => !p.StartsWith(server.DataDir, StringComparison.Ordinal) && p.Contains("escape-http", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(outside);
        Assert.False(File.Exists("/tmp/sseSim-escape-http"));
        Assert.DoesNotContain(Directory.EnumerateFiles(server.DataDir, "*", SearchOption.AllDirectories), f => f.Contains("escape", StringComparison.Ordinal));
    }

    private static HashSet<string> Snapshot(string dir)
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 3 }))
        {
            all.Add(entry);
        }
        return all;
    }
}
