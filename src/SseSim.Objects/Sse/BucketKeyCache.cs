using System.Security.Cryptography;
using SseSim.Core.Secrets;

namespace SseSim.Objects.Sse;

/// <summary>
/// S3 Bucket Keys (reference/s3.md §2): plaintext bucket keys cached for a bounded time, per (bucket, KMS key id,
/// requester, context) for encryption and per (requester, hash of the wrapped blob) for decryption. Callers get clones,
/// so evicting (and zeroing) an entry never pulls a key out from under a running request.
/// </summary>
internal sealed class BucketKeyCache(TimeProvider time, TimeSpan lifetime) : IDisposable
{
    private readonly Dictionary<string, Entry> _forEncrypt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _forDecrypt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _fills = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Plaintext bucket keys held (both lookups), for the resident-keys gauge.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _forEncrypt.Count + _forDecrypt.Count;
            }
        }
    }

    public static string EncryptScope(string bucket, string kmsKeyId, string requester, byte[] canonicalContext) =>
        string.Join('\n', bucket, kmsKeyId, requester, Convert.ToHexString(SHA256.HashData(canonicalContext)));

    public static string DecryptScope(string requester, byte[] wrappedBlob) =>
        requester + "\n" + Convert.ToHexString(SHA256.HashData(wrappedBlob));

    public bool TryGetForEncrypt(string scope, out SecretBytes key, out byte[] wrapped, out string keyArn)
    {
        lock (_lock)
        {
            if (TryGetLive(_forEncrypt, scope, out var e))
            {
                key = e.Key.Clone();
                wrapped = e.Wrapped;
                keyArn = e.KeyArn;
                return true;
            }
        }
        key = null!;
        wrapped = null!;
        keyArn = null!;
        return false;
    }

    public bool TryGetForDecrypt(string scope, out SecretBytes key)
    {
        lock (_lock)
        {
            if (TryGetLive(_forDecrypt, scope, out var e))
            {
                key = e.Key.Clone();
                return true;
            }
        }
        key = null!;
        return false;
    }

    /// <summary>Caches clones of a freshly generated bucket key under both lookups.</summary>
    public void AddGenerated(string encryptScope, string decryptScope, SecretBytes key, byte[] wrapped, string keyArn)
    {
        var expires = time.GetUtcNow() + lifetime;
        lock (_lock)
        {
            Replace(_forEncrypt, encryptScope, new Entry(key.Clone(), wrapped, keyArn, expires));
            Replace(_forDecrypt, decryptScope, new Entry(key.Clone(), wrapped, keyArn, expires));
        }
    }

    public void AddDecrypted(string decryptScope, SecretBytes key, byte[] wrapped, string keyArn)
    {
        var expires = time.GetUtcNow() + lifetime;
        lock (_lock)
        {
            Replace(_forDecrypt, decryptScope, new Entry(key.Clone(), wrapped, keyArn, expires));
        }
    }

    /// <summary>
    /// After a miss: the KMS call another request is already making for <paramref name="scope"/> (an encrypt or
    /// decrypt scope), to wait for and then look in the cache again; or null, and <paramref name="fill"/> marks this
    /// request as the one asking KMS until disposed. One atomic step, so requests that miss a cold cache together (a
    /// burst of PUTs, or a slow KMS) make one KMS call, not one each. The task only completes, never fails: after a
    /// failed call the cache is still empty and a waiter asks KMS itself, as it would have.
    /// </summary>
    public Task? JoinOrBeginFill(string scope, out IDisposable? fill)
    {
        lock (_lock)
        {
            if (_fills.TryGetValue(scope, out var running))
            {
                fill = null;
                return running.Task;
            }
            var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _fills.Add(scope, mine);
            fill = new Fill(this, scope, mine);
            return null;
        }
    }

    private sealed class Fill(BucketKeyCache cache, string scope, TaskCompletionSource fill) : IDisposable
    {
        public void Dispose()
        {
            lock (cache._lock)
            {
                cache._fills.Remove(scope);
            }
            fill.TrySetResult();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var e in _forEncrypt.Values.Concat(_forDecrypt.Values))
            {
                e.Key.Dispose();
            }
            _forEncrypt.Clear();
            _forDecrypt.Clear();
        }
    }

    private bool TryGetLive(Dictionary<string, Entry> map, string scope, out Entry entry)
    {
        if (map.TryGetValue(scope, out entry!))
        {
            if (entry.Expires > time.GetUtcNow())
            {
                return true;
            }
            map.Remove(scope);
            entry.Key.Dispose();
        }
        PurgeExpired(map);
        return false;
    }

    private void PurgeExpired(Dictionary<string, Entry> map)
    {
        var now = time.GetUtcNow();
        foreach (var (k, e) in map.Where(kv => kv.Value.Expires <= now).ToList())
        {
            map.Remove(k);
            e.Key.Dispose();
        }
    }

    private static void Replace(Dictionary<string, Entry> map, string scope, Entry entry)
    {
        if (map.Remove(scope, out var old))
        {
            old.Key.Dispose();
        }
        map[scope] = entry;
    }

    private sealed record Entry(SecretBytes Key, byte[] Wrapped, string KeyArn, DateTimeOffset Expires);
}
