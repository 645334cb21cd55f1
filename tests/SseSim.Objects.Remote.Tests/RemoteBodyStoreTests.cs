using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Minio;
using Minio.DataModel.Args;
using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Core.Storage.Faults;
using SseSim.Objects.Envelope;
using SseSim.Objects.Storage;
using SseSim.Objects.Tests;

namespace SseSim.Objects.Remote.Tests;

/// <summary>The object store over <see cref="RemoteS3BodyStore"/> and <see cref="SharedObjectIndex"/>, against a real moto_server.</summary>
public sealed class RemoteBodyStoreTests(MotoServer moto) : IClassFixture<MotoServer>, IDisposable
{
    private static readonly Caller Alice = new(new Identity("AKIDALICE", "secret", "111122223333", "alice"), "us-east-1");
    private static readonly byte[] Canary = Encoding.ASCII.GetBytes("CANARY-remote-backend-plaintext-7f3a");
    private readonly byte[] _master = RandomNumberGenerator.GetBytes(32);
    private readonly List<ObjectStore> _stores = [];
    private readonly string _remoteBucket = "ssesim-remote-" + Guid.NewGuid().ToString("N")[..12];

    private sealed record FrontEnd(ObjectStore Store, FakeDataKeyService Kms);

    private async Task<FrontEnd> FrontEndAsync(int readWindow = 8 * 1024, StorageFaults? faults = null)
    {
        var kms = new FakeDataKeyService();
        using var master = SecretBytes.CopyFrom(_master);
        var store = await RemoteObjectBackend.CreateAsync(new InMemoryStorageProvider(), moto.Options(_remoteBucket, readWindow), kms, master,
            new FakeTimeProvider(DateTimeOffset.UtcNow), new ObjectStoreOptions { SegmentSize = 1024, MinPartSize = 4096 },
            faults is null ? null : bodies => new FaultyObjectBodyStore(bodies, faults));
        _stores.Add(store);
        return new FrontEnd(store, kms);
    }

    private IMinioClient Client() => RemoteObjectBackend.CreateClient(moto.Options(_remoteBucket));

    private static PipeReader Body(byte[] data) => PipeReader.Create(new MemoryStream(data));

    private static byte[] WithCanary(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        for (var at = 0; at + Canary.Length <= length; at += 4000)
        {
            Canary.CopyTo(data, at);
        }
        return data;
    }

    private static async Task<byte[]> GetAsync(ObjectStore store, string bucket, string key, ByteRangeSpec? range = null)
    {
        using var result = await store.GetObjectAsync(Alice, new GetObjectRequest(bucket, key) { Range = range });
        using var output = new MemoryStream();
        Assert.Equal(result.ContentLength, await result.WriteBodyAsync(output));
        return output.ToArray();
    }

    private async Task<List<string>> RemoteKeysAsync()
    {
        var keys = new List<string>();
        await foreach (var item in Client().ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(_remoteBucket).WithRecursive(true)))
        {
            keys.Add(item.Key);
        }
        return keys;
    }

    private async Task<byte[]> RemoteBytesAsync(string key)
    {
        using var buffer = new MemoryStream();
        await Client().GetObjectAsync(new GetObjectArgs().WithBucket(_remoteBucket).WithObject(key).WithCallbackStream((s, ct) => s.CopyToAsync(buffer, ct)));
        return buffer.ToArray();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    [Fact]
    public async Task Put_get_ranges_and_the_remote_objects_are_ciphertext_with_the_wrapped_key_in_metadata()
    {
        if (!moto.Available)
        {
            return;
        }
        var fe = await FrontEndAsync();
        await fe.Store.CreateBucketAsync(Alice, "photos");
        var data = WithCanary(70_000, 1); // 69 segments of 1 KiB, several 8 KiB read windows
        var put = await fe.Store.PutObjectAsync(Alice, new PutObjectRequest("photos", "secret/plan.txt", Body(data))
        {
            Encryption = new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-1" },
        });
        Assert.Equal("aws:kms", put.Encryption.ServerSideEncryption);

        Assert.Equal(data, await GetAsync(fe.Store, "photos", "secret/plan.txt"));
        Assert.Equal(data[1000..1100], await GetAsync(fe.Store, "photos", "secret/plan.txt", new ByteRangeSpec(1000, 1099)));
        Assert.Equal(data[33_333..], await GetAsync(fe.Store, "photos", "secret/plan.txt", new ByteRangeSpec(33_333, null)));
        Assert.Equal(data[^10..], await GetAsync(fe.Store, "photos", "secret/plan.txt", new ByteRangeSpec(null, 10)));

        // Remote keys are random body ids and HMACs: no bucket or object name leaks.
        var keys = await RemoteKeysAsync();
        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.Matches("^(bodies|index)/[0-9a-f]+$", k));
        Assert.DoesNotContain(keys, k => k.Contains("plan", StringComparison.Ordinal) || k.Contains("photos", StringComparison.Ordinal));

        var bodyKey = keys.Single(k => k.StartsWith(RemoteS3BodyStore.BodyPrefix, StringComparison.Ordinal));
        var stored = await RemoteBytesAsync(bodyKey);
        Assert.Equal(SegmentLayout.CiphertextLength(data.Length, 1024), stored.Length);
        Assert.False(Contains(stored, Canary));
        Assert.False(Contains(await RemoteBytesAsync(keys.Single(k => k != bodyKey)), Encoding.UTF8.GetBytes("secret/plan.txt")));

        var stat = await Client().StatObjectAsync(new StatObjectArgs().WithBucket(_remoteBucket).WithObject(bodyKey));
        Assert.True(RemoteS3BodyStore.TryGetMeta(stat.MetaData, BodyMetadata.WrappedKey, out var wrapped));
        Assert.True(Convert.FromBase64String(wrapped).Length > 32);
        Assert.True(RemoteS3BodyStore.TryGetMeta(stat.MetaData, BodyMetadata.EnvelopeHeader, out var header));
        Assert.Equal(stored[..EnvelopeFormat.HeaderLength], Convert.FromBase64String(header));
        Assert.True(RemoteS3BodyStore.TryGetMeta(stat.MetaData, BodyMetadata.Mode, out var mode));
        Assert.Equal("SseKms", mode);
        Assert.True(RemoteS3BodyStore.TryGetMeta(stat.MetaData, BodyMetadata.KmsKeyArn, out var arn));
        Assert.Equal(FakeDataKeyService.Arn("key-1"), arn);
        // The wrapped key really is the object's: the KMS stand-in opens it to the key that decrypts the body.
        Assert.True(fe.Kms.DecryptCalls >= 4);
    }

    [Fact]
    public async Task Empty_and_large_objects_round_trip_through_multipart_remote_uploads()
    {
        if (!moto.Available)
        {
            return;
        }
        var fe = await FrontEndAsync(readWindow: 4 * 1024 * 1024);
        await fe.Store.CreateBucketAsync(Alice, "big-bucket");
        await fe.Store.PutObjectAsync(Alice, new PutObjectRequest("big-bucket", "empty", Body([])));
        Assert.Empty(await GetAsync(fe.Store, "big-bucket", "empty"));

        // Above the client's 5 MiB part size, so the remote upload itself has several parts.
        var big = WithCanary(11 * 1024 * 1024 + 123, 2);
        await fe.Store.PutObjectAsync(Alice, new PutObjectRequest("big-bucket", "big", Body(big)));
        Assert.Equal(big, await GetAsync(fe.Store, "big-bucket", "big"));
        Assert.Equal(big[6_000_000..6_000_100], await GetAsync(fe.Store, "big-bucket", "big", new ByteRangeSpec(6_000_000, 6_000_099)));
    }

    [Fact]
    public async Task Multipart_upload_complete_range_across_parts_and_abort()
    {
        if (!moto.Available)
        {
            return;
        }
        var fe = await FrontEndAsync();
        await fe.Store.CreateBucketAsync(Alice, "mp-bucket");
        var create = await fe.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("mp-bucket", "video.bin"));
        byte[][] parts = [WithCanary(5000, 3), WithCanary(4096, 4), WithCanary(777, 5)];
        var done = new List<CompletedPart>();
        for (var i = 0; i < parts.Length; i++)
        {
            var r = await fe.Store.UploadPartAsync(Alice, new UploadPartRequest("mp-bucket", "video.bin", create.UploadId, i + 1, Body(parts[i])));
            done.Add(new CompletedPart(i + 1, r.ETag));
        }
        Assert.Equal(3, (await RemoteKeysAsync()).Count); // part bodies only; upload records stay local
        await fe.Store.CompleteMultipartUploadAsync(Alice, new CompleteMultipartUploadRequest("mp-bucket", "video.bin", create.UploadId, done));
        var all = parts.SelectMany(p => p).ToArray();
        Assert.Equal(all, await GetAsync(fe.Store, "mp-bucket", "video.bin"));
        Assert.Equal(all[4990..9200], await GetAsync(fe.Store, "mp-bucket", "video.bin", new ByteRangeSpec(4990, 9199)));
        var keys = await RemoteKeysAsync();
        Assert.Equal(4, keys.Count);
        foreach (var k in keys)
        {
            Assert.False(Contains(await RemoteBytesAsync(k), Canary));
        }

        var aborted = await fe.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("mp-bucket", "gone.bin"));
        await fe.Store.UploadPartAsync(Alice, new UploadPartRequest("mp-bucket", "gone.bin", aborted.UploadId, 1, Body(parts[0])));
        Assert.Equal(5, (await RemoteKeysAsync()).Count);
        await fe.Store.AbortMultipartUploadAsync(Alice, "mp-bucket", "gone.bin", aborted.UploadId);
        Assert.Equal(4, (await RemoteKeysAsync()).Count);
    }

    [Theory]
    [InlineData(StorageFault.IOError)]
    [InlineData(StorageFault.DiskFull)]
    [InlineData(StorageFault.TornWrite)]
    public async Task Injected_body_faults_reach_the_remote_backend_and_leave_the_old_object_whole(StorageFault fault)
    {
        if (!moto.Available)
        {
            return;
        }
        var faults = new StorageFaults();
        var fe = await FrontEndAsync(faults: faults);
        await fe.Store.CreateBucketAsync(Alice, "fault-bucket");
        var before = WithCanary(5000, 8);
        await fe.Store.PutObjectAsync(Alice, new PutObjectRequest("fault-bucket", "k", Body(before)));
        var remoteBefore = await RemoteKeysAsync();

        faults.Mode = fault;
        await Assert.ThrowsAnyAsync<IOException>(() => fe.Store.PutObjectAsync(Alice, new PutObjectRequest("fault-bucket", "k", Body(WithCanary(6000, 9)))));
        await Assert.ThrowsAnyAsync<IOException>(() => fe.Store.PutObjectAsync(Alice, new PutObjectRequest("fault-bucket", "new", Body(WithCanary(100, 10)))));
        Assert.True(faults.Injected >= 2);

        faults.Mode = StorageFault.None;
        // Nothing half-written became visible: the old object is whole, the new one absent, no stray remote body.
        Assert.Equal(before, await GetAsync(fe.Store, "fault-bucket", "k"));
        Assert.Equal(S3ErrorCode.NoSuchKey, (await Assert.ThrowsAsync<S3Exception>(() => fe.Store.GetObjectAsync(Alice, new GetObjectRequest("fault-bucket", "new")))).Code);
        Assert.Equal(remoteBefore.Order(), (await RemoteKeysAsync()).Order());
        var after = WithCanary(7000, 11);
        await fe.Store.PutObjectAsync(Alice, new PutObjectRequest("fault-bucket", "k", Body(after)));
        Assert.Equal(after, await GetAsync(fe.Store, "fault-bucket", "k"));
    }

    [Fact]
    public async Task Overwrite_and_delete_remove_the_remote_bodies_and_index()
    {
        if (!moto.Available)
        {
            return;
        }
        var fe = await FrontEndAsync();
        await fe.Store.CreateBucketAsync(Alice, "del-bucket");
        await fe.Store.PutObjectAsync(Alice, new PutObjectRequest("del-bucket", "k", Body(WithCanary(3000, 6))));
        var second = WithCanary(2000, 7);
        await fe.Store.PutObjectAsync(Alice, new PutObjectRequest("del-bucket", "k", Body(second)));
        Assert.Equal(2, (await RemoteKeysAsync()).Count); // the first body was freed
        Assert.Equal(second, await GetAsync(fe.Store, "del-bucket", "k"));
        await fe.Store.DeleteObjectAsync(Alice, "del-bucket", "k");
        Assert.Empty(await RemoteKeysAsync());
        var e = await Assert.ThrowsAsync<S3Exception>(() => fe.Store.GetObjectAsync(Alice, new GetObjectRequest("del-bucket", "k")));
        Assert.Equal(S3ErrorCode.NoSuchKey, e.Code);
    }

    [Fact]
    public async Task A_second_front_end_sharing_the_bucket_reads_overwrites_and_deletes_objects_it_never_wrote()
    {
        if (!moto.Available)
        {
            return;
        }
        var a = await FrontEndAsync();
        var b = await FrontEndAsync();
        await a.Store.CreateBucketAsync(Alice, "shared");
        await b.Store.CreateBucketAsync(Alice, "shared"); // buckets are per front end
        var data = WithCanary(9000, 8);
        var put = await a.Store.PutObjectAsync(Alice, new PutObjectRequest("shared", "report.csv", Body(data))
        {
            Headers = new ObjectHeaders { ContentType = "text/csv" },
        });

        // SSE-S3 keys are wrapped by the master key both front ends derive from the same root key.
        var head = await b.Store.HeadObjectAsync(Alice, new GetObjectRequest("shared", "report.csv"));
        Assert.Equal(put.ETag, head.Object.ETag);
        Assert.Equal(data.Length, head.ContentLength);
        Assert.Equal("text/csv", head.Object.Headers.ContentType);
        Assert.Equal(data, await GetAsync(b.Store, "shared", "report.csv"));
        Assert.Equal(data[100..200], await GetAsync(b.Store, "shared", "report.csv", new ByteRangeSpec(100, 199)));

        var newer = WithCanary(500, 9);
        await b.Store.PutObjectAsync(Alice, new PutObjectRequest("shared", "report.csv", Body(newer)));
        Assert.Equal(newer, await GetAsync(a.Store, "shared", "report.csv"));
        Assert.Equal(2, (await RemoteKeysAsync()).Count);

        await a.Store.DeleteObjectAsync(Alice, "shared", "report.csv");
        var e = await Assert.ThrowsAsync<S3Exception>(() => b.Store.HeadObjectAsync(Alice, new GetObjectRequest("shared", "report.csv")));
        Assert.Equal(S3ErrorCode.NoSuchKey, e.Code);
        Assert.Empty(await RemoteKeysAsync());
    }

    [Fact]
    public async Task A_front_end_with_another_root_key_cannot_open_the_shared_index()
    {
        if (!moto.Available)
        {
            return;
        }
        var a = await FrontEndAsync();
        await a.Store.CreateBucketAsync(Alice, "xyz");
        await a.Store.PutObjectAsync(Alice, new PutObjectRequest("xyz", "k", Body([1, 2, 3])));
        using var otherMaster = SecretBytes.Random(32);
        using var other = await RemoteObjectBackend.CreateAsync(new InMemoryStorageProvider(), moto.Options(_remoteBucket), new FakeDataKeyService(), otherMaster);
        await other.CreateBucketAsync(Alice, "xyz");
        // Another root key derives another index name, so the object simply is not there.
        var e = await Assert.ThrowsAsync<S3Exception>(() => other.HeadObjectAsync(Alice, new GetObjectRequest("xyz", "k")));
        Assert.Equal(S3ErrorCode.NoSuchKey, e.Code);
    }

    public void Dispose()
    {
        foreach (var s in _stores)
        {
            s.Dispose();
        }
    }
}
