using SseSim.Core.Storage;
using SseSim.Objects.Envelope;

namespace SseSim.Objects;

/// <summary>
/// Small single-write envelopes kept in the metadata table and committed in the same batch as their record
/// (docs/formats/object-envelope.md#inline-bodies): one shared group commit instead of a file, its fsync, a rename
/// and two directory fsyncs per PUT.
/// </summary>
public sealed partial class ObjectStore
{
    // docs/formats/object-envelope.md#storage: the body id doubles as the table key of the envelope.
    private const string InlineBodyPrefix = "inline/";

    // Approximate bytes of inline envelopes in the table (the budget is a memory guard, not an exact quota).
    private long _inlineBytes;

    private static bool IsInline(string bodyId) => bodyId.StartsWith(InlineBodyPrefix, StringComparison.Ordinal);

    /// <summary>The envelope length to buffer when this write may go inline; null means "write a file".</summary>
    private int? InlineCapacity(bool allowInline, long? declaredLength, int segmentOverhead)
    {
        if (!allowInline || !_inlineBodies || declaredLength is not { } plaintextLength || plaintextLength < 0)
        {
            return null;
        }
        var length = SegmentLayout.CiphertextLength(plaintextLength, _options.SegmentSize, segmentOverhead);
        if (length > _options.InlineBodyMaxBytes || Interlocked.Read(ref _inlineBytes) + length > _options.InlineBodyBudgetBytes)
        {
            return null;
        }
        return (int)length;
    }

    private static string NewInlineBodyId() => InlineBodyPrefix + NewId();

    /// <summary>
    /// Reads the envelope of a record's inline body right after the record. An overwrite or delete replaces both in one
    /// batch, so a missing envelope means the record changed in between (false: read the record again); missing twice
    /// for the same body id means it is really gone.
    /// </summary>
    private bool TryAttachInlineEnvelope(ObjectRecord record, ref string? missing)
    {
        if (record.Parts is not [{ BodyId: var id }] || !IsInline(id))
        {
            return true;
        }
        if (_meta.TryGet(id, out var envelope))
        {
            record.InlineEnvelope = envelope;
            return true;
        }
        if (id == missing)
        {
            throw new S3Exception(S3ErrorCode.InternalError, "object body is missing", 500);
        }
        missing = id;
        return false;
    }

    private Stream OpenInlineBody(string bodyId) =>
        _meta.TryGet(bodyId, out var envelope)
            ? InlineEnvelopeStream(envelope)
            : throw new S3Exception(S3ErrorCode.InternalError, "object body is missing", 500);

    // Publicly visible, so EnvelopeReader decrypts the stored bytes where they lie instead of copying them into
    // read buffers; read-only, since the array is the table's own.
    private static MemoryStream InlineEnvelopeStream(byte[] envelope) =>
        new(envelope, 0, envelope.Length, writable: false, publiclyVisible: true);

    /// <summary>Delete mutations for the inline bodies among <paramref name="bodyIds"/>, counted out of the budget.</summary>
    private List<KvMutation> InlineDeletes(IEnumerable<string> bodyIds)
    {
        var deletes = new List<KvMutation>();
        foreach (var id in bodyIds)
        {
            if (IsInline(id) && _meta.TryGet(id, out var envelope))
            {
                deletes.Add(new KvMutation(id, null));
                Interlocked.Add(ref _inlineBytes, -envelope.Length);
            }
        }
        return deletes;
    }

    /// <summary>Startup: drops inline bodies no record references (a batch is atomic, so none should exist) and recounts the rest.</summary>
    private async Task<int> RecoverInlineBodiesAsync(HashSet<string> live, CancellationToken cancellationToken)
    {
        var orphans = _meta.Scan(InlineBodyPrefix).Where(e => !live.Contains(e.Key)).Select(e => new KvMutation(e.Key, null)).ToList();
        if (orphans.Count > 0)
        {
            await _meta.ApplyAsync(orphans, cancellationToken).ConfigureAwait(false);
        }
        CountInlineBodies();
        return orphans.Count;
    }

    private void CountInlineBodies() =>
        Interlocked.Exchange(ref _inlineBytes, _meta.Scan(InlineBodyPrefix).Sum(e => (long)e.Value.Length));
}
