using System.Text;
using SseSim.Core.Storage;

namespace SseSim.Objects.Tests;

/// <summary>
/// An ObjectStore opened over golden metadata-table values (docs/formats/s3-metadata-records.md): a bucket record, the
/// given records and, when there are any, the inline body InlineBodyTests.GoldenRecord points at.
/// </summary>
internal static class GoldenStore
{
    public static KvMutation Object(string record) => new("obj/golden/k", Encoding.UTF8.GetBytes(record));

    public static async Task<ObjectStore> OpenAsync(InMemoryStorageProvider storage, StoreFixture f, string bucket, params KvMutation[] records)
    {
        var table = storage.OpenTable(ObjectStore.MetadataTableName);
        await table.ApplyAsync([new KvMutation("bucket/golden", Encoding.UTF8.GetBytes(bucket)), .. records]);
        if (records.Length > 0)
        {
            await table.PutAsync(InlineBodyTests.GoldenBodyId, Convert.FromHexString(InlineBodyTests.GoldenEnvelopeHex));
        }
        using var master = TestUtil.Key(0x11);
        var store = ObjectStore.Create(storage, f.DataDir, f.Kms, master, f.Time);
        // Golden records are complete: recovery finds nothing to repair.
        Assert.Equal(0, await store.RecoverAsync());
        return store;
    }
}
