using System.Buffers;
using System.Text.Json;
using SseSim.Core.Aws;

namespace SseSim.Kms.Audit;

/// <summary>
/// The retained events' JSON, written straight into 1 MiB arrays: one array per event would survive into gen 1 and 2
/// one by one, and copying and promoting those survivors cost more than building the event; writing in place saves the
/// copy from a scratch buffer. An event never straddles two arrays (a full array moves the event begun so far to a new
/// one). An array is never reused; the GC frees it once the last event in it has left the in-memory window and its
/// last reader is done. Only the audit writer thread uses it.
/// </summary>
internal sealed class JsonArena : IBufferWriter<byte>
{
    private const int ChunkSize = 1 << 20;
    private byte[] _chunk = [];
    private int _start;
    private int _used;

    public void Advance(int count) => _used += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _chunk.AsMemory(_used);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _chunk.AsSpan(_used);
    }

    private void Reserve(int sizeHint)
    {
        var need = Math.Max(sizeHint, 256);
        if (_chunk.Length - _used >= need)
        {
            return;
        }
        var begun = _used - _start;
        // Uninitialized: every byte handed out is written before it is read, and zeroing 1 MiB is a pass over fresh pages.
        var next = GC.AllocateUninitializedArray<byte>(Math.Max(ChunkSize, 2 * (begun + need)));
        _chunk.AsSpan(_start, begun).CopyTo(next);
        _chunk = next;
        _start = 0;
        _used = begun;
    }

    /// <summary>Ends the event written since the last call and returns it.</summary>
    public ReadOnlyMemory<byte> Commit()
    {
        var stored = new ReadOnlyMemory<byte>(_chunk, _start, _used - _start);
        _start = _used;
        return stored;
    }

    /// <summary>Drops what was written since the last <see cref="Commit"/> (an event whose build failed).</summary>
    public void Rollback() => _used = _start;
}

/// <summary>
/// Pieces of the CloudTrail event that repeat from call to call (the caller's userIdentity, a key's resources entry,
/// the invokedBy service name), encoded once and written as raw JSON: the same bytes the writer would produce, without
/// escaping and transcoding the same strings for every event. Only the audit writer thread uses it; the caches are
/// bounded and simply start over when full.
/// </summary>
internal sealed class EventFragments(JsonWriterOptions options)
{
    private const int MaxEntries = 4096;

    private readonly Dictionary<(string AccessKeyId, string AccountId, string UserName, string? InvokedBy), byte[]> _identities = [];
    private readonly Dictionary<(string Arn, string AccountId), byte[]> _resources = [];
    private readonly Dictionary<string, string> _invokedBy = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _scratch = new(512);

    /// <summary>"s3.amazonaws.com" for kms:ViaService "s3.us-east-1.amazonaws.com" (CloudTrail invokedBy).</summary>
    public static string InvokedBy(string viaService) => viaService.Split('.')[0] + ".amazonaws.com";

    public string CachedInvokedBy(string viaService)
    {
        if (!_invokedBy.TryGetValue(viaService, out var via))
        {
            Bound(_invokedBy);
            _invokedBy[viaService] = via = InvokedBy(viaService);
        }
        return via;
    }

    public void WriteUserIdentity(Utf8JsonWriter w, Identity identity, string? invokedBy)
    {
        var key = (identity.AccessKeyId, identity.AccountId, identity.UserName, invokedBy);
        if (!_identities.TryGetValue(key, out var json))
        {
            Bound(_identities);
            _identities[key] = json = Encode(x => Core.Audit.AuditRecord.WriteUserIdentityValue(x, identity, invokedBy));
        }
        w.WritePropertyName(Core.Audit.AuditRecord.UserIdentityProperty);
        w.WriteRawValue(json, skipInputValidation: true);
    }

    public void WriteResource(Utf8JsonWriter w, string arn, string accountId)
    {
        if (!_resources.TryGetValue((arn, accountId), out var json))
        {
            Bound(_resources);
            _resources[(arn, accountId)] = json = Encode(x => WriteKeyResource(x, arn, accountId));
        }
        w.WriteRawValue(json, skipInputValidation: true);
    }

    /// <summary>One entry of the event's resources array for a KMS key.</summary>
    public static void WriteKeyResource(Utf8JsonWriter w, string arn, string accountId)
    {
        w.WriteStartObject();
        w.WriteString("accountId"u8, accountId);
        w.WriteString("type"u8, AuditEvent.KeyResourceType);
        w.WriteString("ARN"u8, arn);
        w.WriteEndObject();
    }

    private byte[] Encode(Action<Utf8JsonWriter> write)
    {
        _scratch.ResetWrittenCount();
        using (var x = new Utf8JsonWriter(_scratch, options))
        {
            write(x);
        }
        return _scratch.WrittenSpan.ToArray();
    }

    private static void Bound<TKey, TValue>(Dictionary<TKey, TValue> cache)
        where TKey : notnull
    {
        if (cache.Count >= MaxEntries)
        {
            cache.Clear();
        }
    }
}
