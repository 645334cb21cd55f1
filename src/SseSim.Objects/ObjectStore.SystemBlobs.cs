using System.Text;
using SseSim.Core.Storage;

namespace SseSim.Objects;

/// <summary>
/// Blobs that live in the object store but in no bucket, the way EBS keeps snapshots in S3 buckets that no account
/// can list. Bodies go to the same body store as objects (files, or the remote S3 backend); the "sys/&lt;name&gt;" record
/// in the metadata table names the body. The caller stores ciphertext: these blobs get no envelope of their own.
/// </summary>
public sealed partial class ObjectStore
{
    private const string SystemBlobPrefix = "sys/";

    /// <summary>Stores (or replaces) a blob; durable when this returns. A replaced body is freed afterwards.</summary>
    public async Task PutSystemBlobAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        string bodyId;
        await using (var pending = await _bodies.CreateAsync(cancellationToken).ConfigureAwait(false))
        {
            pending.Describe(new Dictionary<string, string>(StringComparer.Ordinal) { ["ssesim-system-blob"] = name });
            await pending.Content.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            bodyId = await pending.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        string? replaced;
        await _metaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            replaced = SystemBodyId(name);
            await _meta.PutAsync(SystemBlobPrefix + name, Encoding.UTF8.GetBytes(bodyId), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _metaLock.Release();
        }
        if (replaced is not null)
        {
            await _bodies.DeleteAsync(replaced, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The blob's bytes, or null when there is none.</summary>
    public async Task<byte[]?> GetSystemBlobAsync(string name, CancellationToken cancellationToken = default)
    {
        if (SystemBodyId(name) is not { } bodyId)
        {
            return null;
        }
        await using var stream = await _bodies.OpenReadAsync(bodyId, cancellationToken).ConfigureAwait(false);
        var data = new byte[stream.Length];
        await stream.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
        return data;
    }

    public async Task DeleteSystemBlobAsync(string name, CancellationToken cancellationToken = default)
    {
        string? bodyId;
        await _metaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bodyId = SystemBodyId(name);
            if (bodyId is not null)
            {
                await _meta.DeleteAsync(SystemBlobPrefix + name, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _metaLock.Release();
        }
        if (bodyId is not null)
        {
            await _bodies.DeleteAsync(bodyId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Names of the blobs that start with <paramref name="prefix"/>, in ordinal order.</summary>
    public IReadOnlyList<string> ListSystemBlobs(string prefix) =>
        [.. _meta.Scan(SystemBlobPrefix + prefix).Select(e => e.Key[SystemBlobPrefix.Length..])];

    private string? SystemBodyId(string name) =>
        _meta.TryGet(SystemBlobPrefix + name, out var value) ? Encoding.UTF8.GetString(value) : null;

    private IEnumerable<string> SystemBlobBodies() =>
        _meta.Scan(SystemBlobPrefix).Select(e => Encoding.UTF8.GetString(e.Value));
}
