using System.IO.Pipelines;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Objects.Storage;

namespace SseSim.Objects.Tests;

/// <summary>An ObjectStore over in-memory metadata and a temp data directory.</summary>
internal sealed class StoreFixture : IDisposable
{
    public static readonly Caller Alice = new(new Identity("AKIDALICE", "secret", "111122223333", "alice"), "us-east-1");
    public static readonly Caller Bob = new(new Identity("AKIDBOB", "secret", "111122223333", "bob"), "us-east-1");

    public StoreFixture(ObjectStoreOptions? options = null, InMemoryStorageProvider? storage = null, string? dataDir = null)
    {
        DataDir = dataDir ?? Path.Combine(Path.GetTempPath(), "ssesim-objects-" + Guid.NewGuid().ToString("N"));
        Storage = storage ?? new InMemoryStorageProvider();
        using var master = SecretBytes.Random(32);
        MasterKeyCopy = master.UnsafeExpose().ToArray();
        Store = ObjectStore.Create(Storage, DataDir, Kms, master, Time, options ?? new ObjectStoreOptions { SegmentSize = 1024, MinPartSize = 4096 });
    }

    public string DataDir { get; }
    public InMemoryStorageProvider Storage { get; }
    public FakeDataKeyService Kms { get; } = new();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    public ObjectStore Store { get; }
    public byte[] MasterKeyCopy { get; }

    public static PipeReader Body(byte[] data) => PipeReader.Create(new MemoryStream(data));

    public Task<PutObjectResult> PutAsync(string bucket, string key, byte[] data, SseRequest? sse = null, Caller? caller = null) =>
        Store.PutObjectAsync(caller ?? Alice, new PutObjectRequest(bucket, key, Body(data)) { Encryption = sse });

    public async Task<byte[]> GetAsync(string bucket, string key, ByteRangeSpec? range = null, CustomerKeyHeaders? customer = null, Caller? caller = null)
    {
        using var result = await Store.GetObjectAsync(caller ?? Alice, new GetObjectRequest(bucket, key) { Range = range, CustomerKey = customer });
        using var output = new MemoryStream();
        var n = await result.WriteBodyAsync(output);
        Assert.Equal(result.ContentLength, n);
        return output.ToArray();
    }

    public static CustomerKeyHeaders CustomerKey(byte fill)
    {
        var key = Enumerable.Repeat(fill, 32).ToArray();
        return new CustomerKeyHeaders("AES256", Convert.ToBase64String(key), Convert.ToBase64String(MD5.HashData(key)));
    }

    public void Dispose()
    {
        Store.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
