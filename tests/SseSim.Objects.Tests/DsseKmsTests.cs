using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Storage;
using static SseSim.Objects.Tests.StoreFixture;

namespace SseSim.Objects.Tests;

/// <summary>DSSE-KMS (x-amz-server-side-encryption: aws:kms:dsse) through the object store: docs/formats/object-envelope.md#dual-layer-dsse-kms.</summary>
public sealed class DsseKmsTests : IDisposable
{
    private const string Dsse = "aws:kms:dsse";
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private IKeyValueStore Table => _f.Storage.OpenTable(ObjectStore.MetadataTableName);

    private async Task<string> BucketAsync(string name = "dsse-bucket")
    {
        await _f.Store.CreateBucketAsync(Alice, name);
        return name;
    }

    private static async Task<S3Exception> Fails(Func<Task> action, string code, int status)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(action);
        Assert.Equal(code, e.Code);
        Assert.Equal(status, e.StatusCode);
        return e;
    }

    private ObjectRecord Record(string bucket, string key)
    {
        Assert.True(Table.TryGet(Records.ObjectKey(bucket, key), out var value));
        return Records.Deserialize<ObjectRecord>(value);
    }

    private byte[] StoredEnvelope(ObjectRecord record)
    {
        var id = Assert.Single(record.Parts).BodyId;
        if (Table.TryGet(id, out var inline))
        {
            return inline;
        }
        return File.ReadAllBytes(Path.Combine(_f.DataDir, "objects", "bodies", id[..2], id));
    }

    [Fact]
    public async Task Put_get_and_head_use_one_GenerateDataKey_and_one_Decrypt_and_two_layers()
    {
        var b = await BucketAsync();
        var data = TestUtil.Pattern(5000);
        var context = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"team\":\"blue\"}"));
        var put = await _f.PutAsync(b, "doc", data, new SseRequest { ServerSideEncryption = Dsse, KmsKeyId = "key-1", EncryptionContext = context });
        Assert.Equal(Dsse, put.Encryption.ServerSideEncryption);
        Assert.Equal(FakeDataKeyService.Arn("key-1"), put.Encryption.KmsKeyArn);
        Assert.Equal(context, put.Encryption.EncryptionContext);
        Assert.False(put.Encryption.BucketKeyEnabled);
        Assert.NotEqual(Convert.ToHexStringLower(MD5.HashData(data)), put.ETag);
        Assert.Equal(1, _f.Kms.GenerateCalls);
        Assert.Equal("arn:aws:s3:::dsse-bucket/doc", _f.Kms.Contexts[^1]["aws:s3:arn"]);
        Assert.Equal("blue", _f.Kms.Contexts[^1]["team"]);

        var record = Record(b, "doc");
        Assert.Equal(SseMode.DsseKms, record.Encryption.Mode);
        Assert.NotNull(record.Encryption.OuterWrappedKey);
        var envelope = StoredEnvelope(record);
        Assert.Equal(0x02, envelope[5]);
        Assert.Equal(52 + 5000 + (5 * 32), envelope.Length); // 1 KiB segments in the fixture, 32 bytes of tags each

        Assert.Equal(data, await _f.GetAsync(b, "doc"));
        Assert.Equal(1, _f.Kms.DecryptCalls);
        Assert.Equal(data[1000..3001], await _f.GetAsync(b, "doc", new ByteRangeSpec(1000, 3000)));
        var head = await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest(b, "doc"));
        Assert.Equal(Dsse, head.Object.Encryption.ServerSideEncryption);
        Assert.Equal(FakeDataKeyService.Arn("key-1"), head.Object.Encryption.KmsKeyArn);
        Assert.Null(head.Object.Encryption.EncryptionContext);
    }

    [Fact]
    public async Task Without_a_key_id_the_AWS_managed_key_is_used_and_a_bucket_key_flag_is_not_applied()
    {
        var b = await BucketAsync();
        var put = await _f.PutAsync(b, "doc", [1, 2, 3], new SseRequest { ServerSideEncryption = Dsse, BucketKeyEnabled = true });
        Assert.Equal(FakeDataKeyService.Arn("alias/aws/s3"), put.Encryption.KmsKeyArn);
        Assert.False(put.Encryption.BucketKeyEnabled);
        Assert.False(Record(b, "doc").Encryption.BucketKey);
        await _f.PutAsync(b, "doc2", [4], new SseRequest { ServerSideEncryption = Dsse, BucketKeyEnabled = true });
        Assert.Equal(2, _f.Kms.GenerateCalls); // no bucket key: one data key per object
    }

    [Fact]
    public async Task Bucket_default_DSSE_applies_to_requests_without_encryption_headers()
    {
        var b = await BucketAsync();
        await _f.Store.PutBucketEncryptionAsync(Alice, b, new BucketEncryptionRule(Dsse, "key-2", BucketKeyEnabled: true));
        Assert.Equal(Dsse, (await _f.Store.GetBucketEncryptionAsync(Alice, b)).SseAlgorithm);
        var put = await _f.PutAsync(b, "x", [9, 9]);
        Assert.Equal(Dsse, put.Encryption.ServerSideEncryption);
        Assert.Equal(FakeDataKeyService.Arn("key-2"), put.Encryption.KmsKeyArn);
        Assert.False(put.Encryption.BucketKeyEnabled);
        Assert.Equal([9, 9], await _f.GetAsync(b, "x"));

        // A request header still wins over the default.
        Assert.Equal("AES256", (await _f.PutAsync(b, "y", [1], new SseRequest { ServerSideEncryption = "AES256" })).Encryption.ServerSideEncryption);
        await _f.Store.PutBucketEncryptionAsync(Alice, b, new BucketEncryptionRule(Dsse));
        Assert.Equal(FakeDataKeyService.Arn("alias/aws/s3"), (await _f.PutAsync(b, "z", [1])).Encryption.KmsKeyArn);
    }

    [Fact]
    public async Task Copy_to_and_from_DSSE_reencrypts()
    {
        var b = await BucketAsync();
        var data = TestUtil.Pattern(3000);
        await _f.PutAsync(b, "plain", data);
        var toDsse = await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest(b, "plain", b, "dsse") { Encryption = new SseRequest { ServerSideEncryption = Dsse, KmsKeyId = "key-1" } });
        Assert.Equal(Dsse, toDsse.Encryption.ServerSideEncryption);
        Assert.Equal(FakeDataKeyService.Arn("key-1"), toDsse.Encryption.KmsKeyArn);
        Assert.Equal(0x02, StoredEnvelope(Record(b, "dsse"))[5]);
        Assert.Equal(data, await _f.GetAsync(b, "dsse"));

        var fromDsse = await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest(b, "dsse", b, "kms") { Encryption = new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-2" } });
        Assert.Equal("aws:kms", fromDsse.Encryption.ServerSideEncryption);
        Assert.Equal(0x01, StoredEnvelope(Record(b, "kms"))[5]);
        Assert.Equal(data, await _f.GetAsync(b, "kms"));

        // A copy without headers into a bucket without a default is SSE-S3, as for an SSE-KMS source.
        var plainCopy = await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest(b, "dsse", b, "again"));
        Assert.Equal("AES256", plainCopy.Encryption.ServerSideEncryption);
        // Copying a DSSE object onto itself without changes counts as changing its encryption (it is not SSE-S3).
        var self = await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest(b, "dsse", b, "dsse") { Encryption = new SseRequest { ServerSideEncryption = Dsse, KmsKeyId = "key-1" } });
        Assert.Equal(Dsse, self.Encryption.ServerSideEncryption);
        Assert.Equal(data, await _f.GetAsync(b, "dsse"));
    }

    [Fact]
    public async Task UploadPartCopy_moves_data_between_DSSE_and_other_modes()
    {
        var b = await BucketAsync();
        var data = TestUtil.Pattern(6000);
        await _f.PutAsync(b, "dsse-src", data, new SseRequest { ServerSideEncryption = Dsse, KmsKeyId = "key-1" });
        await _f.PutAsync(b, "plain-src", data);

        var intoKms = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest(b, "kms") { Encryption = new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-2" } });
        var p1 = await _f.Store.UploadPartCopyAsync(Alice, new UploadPartCopyRequest(b, "kms", intoKms.UploadId, 1, b, "dsse-src"));
        await _f.Store.CompleteMultipartUploadAsync(Alice, new(b, "kms", intoKms.UploadId, [new CompletedPart(1, p1.ETag)]));
        Assert.Equal(data, await _f.GetAsync(b, "kms"));

        var intoDsse = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest(b, "dsse") { Encryption = new SseRequest { ServerSideEncryption = Dsse } });
        Assert.Equal(Dsse, intoDsse.Encryption.ServerSideEncryption);
        var p2 = await _f.Store.UploadPartCopyAsync(Alice, new UploadPartCopyRequest(b, "dsse", intoDsse.UploadId, 1, b, "plain-src") { SourceRange = new ByteRangeSpec(1000, 4999) });
        var done = await _f.Store.CompleteMultipartUploadAsync(Alice, new(b, "dsse", intoDsse.UploadId, [new CompletedPart(1, p2.ETag)]));
        Assert.Equal(Dsse, done.Encryption.ServerSideEncryption);
        Assert.Equal(data[1000..5000], await _f.GetAsync(b, "dsse"));
    }

    [Fact]
    public async Task KMS_failures_surface_as_for_SSE_KMS_and_SigV2_is_refused()
    {
        var b = await BucketAsync();
        await _f.PutAsync(b, "doc", [1, 2, 3], new SseRequest { ServerSideEncryption = Dsse, KmsKeyId = "key-1" });
        await Fails(() => _f.PutAsync(b, "x", [1], new SseRequest { ServerSideEncryption = Dsse, KmsKeyId = "missing" }), S3ErrorCode.KmsNotFound, 400);
        _f.Kms.Disabled.Add(FakeDataKeyService.Arn("key-1"));
        await Fails(() => _f.GetAsync(b, "doc"), S3ErrorCode.KmsDisabled, 400);
        await Fails(() => _f.PutAsync(b, "y", [1], new SseRequest { ServerSideEncryption = Dsse, KmsKeyId = "key-1" }), S3ErrorCode.KmsDisabled, 400);
        var sigV2 = Alice with { SignatureV2 = true };
        await Fails(() => _f.PutAsync(b, "z", [1], new SseRequest { ServerSideEncryption = Dsse }, sigV2), S3ErrorCode.InvalidArgument, 400);
        await Fails(() => _f.PutAsync(b, "z", [1], new SseRequest { KmsKeyId = "key-1" }), S3ErrorCode.InvalidArgument, 400);
    }

    [Fact]
    public async Task Losing_either_layer_key_makes_the_object_unreadable()
    {
        var b = await BucketAsync();
        await _f.PutAsync(b, "doc", TestUtil.Pattern(100), new SseRequest { ServerSideEncryption = Dsse, KmsKeyId = "key-1" });
        var record = Record(b, "doc");

        // The outer key wrap is bound to its object: another DSSE object's wrap does not open this one.
        await _f.PutAsync(b, "other", TestUtil.Pattern(100), new SseRequest { ServerSideEncryption = Dsse, KmsKeyId = "key-1" });
        var swapped = Record(b, "doc");
        swapped.Encryption.OuterWrappedKey = Record(b, "other").Encryption.OuterWrappedKey;
        await Table.ApplyAsync([new(Records.ObjectKey(b, "doc"), Records.Serialize(swapped))]);
        await Fails(() => _f.GetAsync(b, "doc"), S3ErrorCode.InternalError, 500);

        // An SSE-KMS record over the dual-layer envelope (the outer layer dropped from metadata) does not decrypt.
        var downgraded = Record(b, "doc");
        downgraded.Encryption = record.Encryption;
        downgraded.Encryption.Mode = SseMode.SseKms;
        downgraded.Encryption.OuterWrappedKey = null;
        await Table.ApplyAsync([new(Records.ObjectKey(b, "doc"), Records.Serialize(downgraded))]);
        await Assert.ThrowsAsync<SseSim.Objects.Envelope.EnvelopeException>(() => _f.GetAsync(b, "doc"));
    }

    [Fact]
    public async Task UpdateObjectEncryption_refuses_a_DSSE_object()
    {
        var b = await BucketAsync();
        await _f.PutAsync(b, "doc", [1], new SseRequest { ServerSideEncryption = Dsse, KmsKeyId = "key-1" });
        var e = await Fails(() => _f.Store.UpdateObjectEncryptionAsync(Alice, b, "doc", null, FakeDataKeyService.Arn("key-2"), false),
            S3ErrorCode.InvalidRequest, 400);
        Assert.Contains("DSSE-KMS", e.Message, StringComparison.Ordinal);
    }

    // A DSSE-KMS object as this build writes it (docs/formats/s3-metadata-records.md#outerwrappedkey): the KMS blob is
    // FakeDataKeyService's under a fixed key (0x33...), the outer wrap is under the S3 master key 0x11..., the inline
    // body is an algorithm 0x02 envelope. Readers must keep opening it.
    private const string GoldenBodyId = "inline/1f37e4cfecc2cb3da1f28b9bedfe44ab";
    private const string GoldenEnvelopeHex =
        "5353454f0102000000010000ba5428d248c14b14de8847767403d849c57c9e6265bec99f6684cbaabda629d81fea582c6b89b800cdcfce08a2e4c18b" +
        "323a28e6cf07b7fc6f2aa5e710a8b93334c687f1fe2713803c61ef099424539f198ab9c1515fa82179";
    private const string GoldenRecord = @"{""Key"":""k"",""Size"":17,""ETag"":""9d344daad206462e486e779a728d6af3"",""LastModified"":""2026-12-01T05:47:06.143703+00:00"",""Headers"":{},""Encryption"":{""Mode"":""DsseKms"",""WrappedKey"":""LGFybjphd3M6a21zOnVzLWVhc3QtMToxMTExMjIyMjMzMzM6a2V5L2tleS0xDUs+mRXvVxXOX4zk45hQ52StM3BAqQP3vm42djTMCb5B/ZFyJN0s6q+ql1wqXB8pELUPhAIXaknr7iTC"",""KmsKeyArn"":""arn:aws:kms:us-east-1:111122223333:key/key-1"",""KmsContext"":{""aws:s3:arn"":""arn:aws:s3:::golden/k""},""BucketKey"":false,""OuterWrappedKey"":""AQXeBEoKHYifDCmFxpqgLvSL+dzZyaLuvkl0XdeQ3jA32Tf+S20LnIce7jIG1OyglCOMzYmLOzAISSwC9Q==""},""InstanceId"":""a80b15d5fb8348167328629257a57482"",""Multipart"":false,""Parts"":[{""PartNumber"":0,""BodyId"":""inline/1f37e4cfecc2cb3da1f28b9bedfe44ab"",""Size"":17,""ETag"":""9d344daad206462e486e779a728d6af3"",""LastModified"":""2026-12-01T05:47:06.1438482+00:00""}],""ChecksumAlgorithm"":""CRC64NVME"",""ChecksumValue"":""QlJYo2KmXco="",""Owner"":""111122223333""}";

    [Fact]
    public async Task Golden_dsse_record_decrypts()
    {
        var storage = new InMemoryStorageProvider();
        await storage.OpenTable(ObjectStore.MetadataTableName).ApplyAsync(
        [
            new KvMutation("bucket/golden", Encoding.UTF8.GetBytes(InlineBodyTests.GoldenBucket)),
            new KvMutation(GoldenBodyId, Convert.FromHexString(GoldenEnvelopeHex)),
            new KvMutation("obj/golden/k", Encoding.UTF8.GetBytes(GoldenRecord)),
        ]);
        var kms = new FakeDataKeyService(Enumerable.Repeat((byte)0x33, 32).ToArray());
        using var master = TestUtil.Key(0x11);
        using var store = ObjectStore.Create(storage, _f.DataDir, kms, master, _f.Time);
        Assert.Equal(0, await store.RecoverAsync());
        using var get = await store.GetObjectAsync(Alice, new GetObjectRequest("golden", "k"));
        using var output = new MemoryStream();
        await get.WriteBodyAsync(output);
        Assert.Equal("golden dsse body\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal("aws:kms:dsse", get.Object.Encryption.ServerSideEncryption);
        Assert.Equal("arn:aws:kms:us-east-1:111122223333:key/key-1", get.Object.Encryption.KmsKeyArn);
        Assert.Equal(1, kms.DecryptCalls);
    }
}
