namespace SseSim.Objects.Tests;

/// <summary>Blobs kept in the object store outside every bucket (EBS snapshot chunks live there).</summary>
public sealed class SystemBlobTests : IDisposable
{
    private readonly StoreFixture _f = new();

    [Fact]
    public async Task Put_get_replace_delete_and_list()
    {
        Assert.Null(await _f.Store.GetSystemBlobAsync("ebs-snapshots/snap-1/0"));
        await _f.Store.PutSystemBlobAsync("ebs-snapshots/snap-1/0", new byte[] { 1, 2, 3 });
        await _f.Store.PutSystemBlobAsync("ebs-snapshots/snap-1/1", new byte[] { 4 });
        await _f.Store.PutSystemBlobAsync("ebs-snapshots/snap-2/0", new byte[] { 5 });
        Assert.Equal([1, 2, 3], await _f.Store.GetSystemBlobAsync("ebs-snapshots/snap-1/0"));

        await _f.Store.PutSystemBlobAsync("ebs-snapshots/snap-1/0", new byte[] { 9, 9 });
        Assert.Equal([9, 9], await _f.Store.GetSystemBlobAsync("ebs-snapshots/snap-1/0"));
        Assert.Equal(["ebs-snapshots/snap-1/0", "ebs-snapshots/snap-1/1"], _f.Store.ListSystemBlobs("ebs-snapshots/snap-1/"));

        await _f.Store.DeleteSystemBlobAsync("ebs-snapshots/snap-1/0");
        await _f.Store.DeleteSystemBlobAsync("ebs-snapshots/never-there");
        Assert.Null(await _f.Store.GetSystemBlobAsync("ebs-snapshots/snap-1/0"));
        // Replaced and deleted bodies are freed: only the two live blobs keep files.
        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(_f.DataDir, "objects", "bodies"), "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task Startup_recovery_keeps_system_blobs_and_no_bucket_lists_them()
    {
        await _f.Store.CreateBucketAsync(StoreFixture.Alice, "bkt");
        await _f.PutAsync("bkt", "object", [7, 7, 7]);
        await _f.Store.PutSystemBlobAsync("ebs-snapshots/snap-1/0", new byte[] { 1, 2, 3 });

        Assert.Equal(0, await _f.Store.RecoverAsync());

        Assert.Equal([1, 2, 3], await _f.Store.GetSystemBlobAsync("ebs-snapshots/snap-1/0"));
        Assert.Equal(["bkt"], (await _f.Store.ListBucketsAsync(StoreFixture.Alice)).Select(b => b.Name));
        Assert.Equal(["object"], (await _f.Store.ListObjectsAsync(StoreFixture.Alice, new ListObjectsRequest("bkt"))).Contents.Select(o => o.Key));
    }

    public void Dispose() => _f.Dispose();
}
