using System.Security.Cryptography;
using System.Text;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;

namespace SseSim.Objects.Remote;

/// <summary>
/// Wraps the front end's local "s3" table so object records ("obj/&lt;bucket&gt;/&lt;key&gt;", and noncurrent versions under
/// "ver/") are also kept, sealed,
/// in the shared bucket as "index/&lt;HMAC(table key)&gt;" (docs/formats/remote-backend.md#index). The remote index is
/// the source of truth for object records: GET/HEAD/overwrite/DELETE of an object written by another front end work,
/// and an object another front end deleted is gone here too. Listings, buckets and in-progress multipart uploads stay
/// per front end (Scan and every other key are local only).
/// </summary>
public sealed class SharedObjectIndex : IKeyValueStore, IDisposable
{
    public const string IndexPrefix = "index/";
    private const byte Version = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;

    private readonly IKeyValueStore _local;
    private readonly IMinioClient _client;
    private readonly string _bucket;
    private readonly SecretBytes _nameKey;
    private readonly SecretBytes _sealKey;

    /// <param name="s3MasterKey">The SSE-S3 master key; front ends sharing a bucket share it (same root key), so they derive the same index keys.</param>
    public SharedObjectIndex(IKeyValueStore local, IMinioClient client, string bucket, SecretBytes s3MasterKey)
    {
        _local = local;
        _client = client;
        _bucket = bucket;
        _nameKey = Derive(s3MasterKey, "SseSim/remote-index-name/v1");
        _sealKey = Derive(s3MasterKey, "SseSim/remote-index-seal/v1");
    }

    public bool TryGet(string key, out byte[] value)
    {
        if (!IsShared(key))
        {
            return _local.TryGet(key, out value);
        }
        // IKeyValueStore reads are synchronous; the object store calls this from request handlers (no sync context).
        var found = FetchAsync(key).AsTask().GetAwaiter().GetResult();
        value = found ?? [];
        return found is not null;
    }

    public async ValueTask ApplyAsync(IReadOnlyList<KvMutation> batch, CancellationToken cancellationToken = default)
    {
        // Remote first: it is the source of truth, and a local record must never point at a body the index lacks.
        foreach (var m in batch)
        {
            if (!IsShared(m.Key))
            {
                continue;
            }
            var name = NameOf(m.Key);
            if (m.Value is null)
            {
                await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(_bucket).WithObject(name), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var sealedRecord = Seal(name, m.Value);
                using var stream = new MemoryStream(sealedRecord, writable: false);
                await _client.PutObjectAsync(new PutObjectArgs().WithBucket(_bucket).WithObject(name)
                    .WithStreamData(stream).WithObjectSize(sealedRecord.Length).WithContentType("application/octet-stream"), cancellationToken).ConfigureAwait(false);
            }
        }
        await _local.ApplyAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after = null, int limit = int.MaxValue) =>
        _local.Scan(prefix, after, limit);

    /// <summary>The local table belongs to the storage provider, which disposes it.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        _nameKey.Dispose();
        _sealKey.Dispose();
    }

    private static bool IsShared(string key) =>
        key.StartsWith(ObjectStore.ObjectRecordPrefix, StringComparison.Ordinal) || key.StartsWith(ObjectStore.VersionRecordPrefix, StringComparison.Ordinal);

    private async ValueTask<byte[]?> FetchAsync(string key)
    {
        var name = NameOf(key);
        using var buffer = new MemoryStream();
        try
        {
            await _client.GetObjectAsync(new GetObjectArgs().WithBucket(_bucket).WithObject(name)
                .WithCallbackStream((s, ct) => s.CopyToAsync(buffer, ct))).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        return Open(name, buffer.ToArray());
    }

    /// <summary>index/ + hex HMAC-SHA256 of the table key: stable across front ends, reveals no bucket or object name.</summary>
    internal string NameOf(string tableKey) =>
        IndexPrefix + Convert.ToHexStringLower(HMACSHA256.HashData(_nameKey.UnsafeExpose(), Encoding.UTF8.GetBytes(tableKey)));

    // docs/formats/remote-backend.md#index: version ‖ nonce ‖ AES-256-GCM(record) ‖ tag, aad = remote name.
    private byte[] Seal(string name, byte[] record)
    {
        var output = new byte[1 + NonceLength + record.Length + TagLength];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_sealKey.UnsafeExpose(), TagLength);
        aes.Encrypt(nonce, record, output.AsSpan(1 + NonceLength, record.Length), output.AsSpan(1 + NonceLength + record.Length), Encoding.UTF8.GetBytes(name));
        return output;
    }

    private byte[] Open(string name, byte[] sealedRecord)
    {
        if (sealedRecord.Length < 1 + NonceLength + TagLength || sealedRecord[0] != Version)
        {
            throw new S3Exception(S3ErrorCode.InternalError, "remote index record is malformed", 500);
        }
        var length = sealedRecord.Length - 1 - NonceLength - TagLength;
        var record = new byte[length];
        using var aes = new AesGcm(_sealKey.UnsafeExpose(), TagLength);
        try
        {
            aes.Decrypt(sealedRecord.AsSpan(1, NonceLength), sealedRecord.AsSpan(1 + NonceLength, length), sealedRecord.AsSpan(1 + NonceLength + length), record, Encoding.UTF8.GetBytes(name));
        }
        catch (AuthenticationTagMismatchException e)
        {
            // Wrong root key on this front end, or a tampered/moved index object.
            throw new S3Exception(S3ErrorCode.InternalError, "remote index record failed authentication", 500, e);
        }
        return record;
    }

    private static SecretBytes Derive(SecretBytes master, string info)
    {
        var key = new SecretBytes(32);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, master.UnsafeExpose(), key.UnsafeExposeWritable(), [], Encoding.UTF8.GetBytes(info));
        return key;
    }
}
