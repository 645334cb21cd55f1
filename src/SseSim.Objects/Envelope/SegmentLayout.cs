namespace SseSim.Objects.Envelope;

/// <summary>
/// The ciphertext segments covering a plaintext range of one envelope.
/// <see cref="SegmentCount"/> is 0 only for an empty range of a non-empty envelope.
/// </summary>
public readonly record struct SegmentRange(
    long FirstSegment,
    long SegmentCount,
    long CiphertextOffset,
    long CiphertextLength,
    int SkipInFirstSegment,
    long PlaintextLength,
    bool IncludesLastSegment);

/// <summary>Size and range arithmetic of the envelope (docs/formats/object-envelope.md#lengths, #range-reads).</summary>
public static class SegmentLayout
{
    public static void ValidateSegmentSize(int segmentSize)
    {
        if (segmentSize is < EnvelopeFormat.MinSegmentSize or > EnvelopeFormat.MaxSegmentSize)
        {
            throw new ArgumentOutOfRangeException(nameof(segmentSize), segmentSize, "segment size out of range");
        }
    }

    public static long MaxPlaintextLength(int segmentSize) => segmentSize * EnvelopeFormat.MaxSegmentCount;

    public static long SegmentCount(long plaintextLength, int segmentSize)
    {
        ValidateSegmentSize(segmentSize);
        if (plaintextLength < 0 || plaintextLength > MaxPlaintextLength(segmentSize))
        {
            throw new ArgumentOutOfRangeException(nameof(plaintextLength));
        }
        return plaintextLength == 0 ? 1 : ((plaintextLength - 1) / segmentSize) + 1;
    }

    /// <param name="overhead">Stored bytes per segment beyond its plaintext (<see cref="EnvelopeFormat.SegmentOverhead"/>: 16, or 32 for two layers).</param>
    public static long CiphertextLength(long plaintextLength, int segmentSize = EnvelopeFormat.DefaultSegmentSize, int overhead = EnvelopeFormat.TagLength) =>
        EnvelopeFormat.HeaderLength + plaintextLength + (SegmentCount(plaintextLength, segmentSize) * overhead);

    /// <summary>The plaintext length of a stored envelope, or false when no plaintext length produces <paramref name="ciphertextLength"/>.</summary>
    public static bool TryGetPlaintextLength(long ciphertextLength, int segmentSize, out long plaintextLength) =>
        TryGetPlaintextLength(ciphertextLength, segmentSize, EnvelopeFormat.TagLength, out plaintextLength);

    /// <summary>Same, for segments of <paramref name="overhead"/> bytes beyond their plaintext.</summary>
    public static bool TryGetPlaintextLength(long ciphertextLength, int segmentSize, int overhead, out long plaintextLength)
    {
        ValidateSegmentSize(segmentSize);
        plaintextLength = -1;
        var body = ciphertextLength - EnvelopeFormat.HeaderLength;
        if (body < overhead)
        {
            return false;
        }
        if (body == overhead)
        {
            plaintextLength = 0;
            return true;
        }
        long full = segmentSize + overhead;
        var count = ((body - 1) / full) + 1;
        var last = body - ((count - 1) * full);
        if (last <= overhead || count > EnvelopeFormat.MaxSegmentCount)
        {
            return false;
        }
        plaintextLength = body - (count * overhead);
        return true;
    }

    public static long PlaintextLength(long ciphertextLength, int segmentSize = EnvelopeFormat.DefaultSegmentSize) =>
        TryGetPlaintextLength(ciphertextLength, segmentSize, out var p)
            ? p
            : throw new ArgumentException($"{ciphertextLength} is not a valid envelope length for segment size {segmentSize}", nameof(ciphertextLength));

    public static long SegmentCiphertextOffset(long segmentIndex, int segmentSize, int overhead = EnvelopeFormat.TagLength) =>
        EnvelopeFormat.HeaderLength + (segmentIndex * (segmentSize + (long)overhead));

    /// <summary>Stored size (ciphertext + tag) of segment <paramref name="segmentIndex"/> of an envelope of <paramref name="plaintextLength"/> bytes.</summary>
    public static int SegmentStoredLength(long plaintextLength, long segmentIndex, int segmentSize, int overhead = EnvelopeFormat.TagLength)
    {
        var count = SegmentCount(plaintextLength, segmentSize);
        ArgumentOutOfRangeException.ThrowIfNegative(segmentIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(segmentIndex, count);
        var plain = segmentIndex < count - 1 ? segmentSize : plaintextLength - (segmentIndex * segmentSize);
        return (int)plain + overhead;
    }

    /// <summary>Maps plaintext [offset, offset+length) of an envelope holding <paramref name="plaintextLength"/> bytes to its segments.</summary>
    public static SegmentRange MapRange(long plaintextLength, long offset, long length, int segmentSize = EnvelopeFormat.DefaultSegmentSize, int overhead = EnvelopeFormat.TagLength)
    {
        var count = SegmentCount(plaintextLength, segmentSize);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset > plaintextLength || length > plaintextLength - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "range exceeds the plaintext");
        }
        if (length == 0)
        {
            // An empty object is one empty final segment: reading it still proves the envelope is complete.
            return plaintextLength == 0
                ? new SegmentRange(0, 1, EnvelopeFormat.HeaderLength, overhead, 0, 0, true)
                : new SegmentRange(Math.Min(offset / segmentSize, count - 1), 0, 0, 0, 0, 0, false);
        }
        var first = offset / segmentSize;
        var last = (offset + length - 1) / segmentSize;
        var start = SegmentCiphertextOffset(first, segmentSize, overhead);
        var end = last == count - 1
            ? CiphertextLength(plaintextLength, segmentSize, overhead)
            : SegmentCiphertextOffset(last + 1, segmentSize, overhead);
        return new SegmentRange(first, last - first + 1, start, end - start, (int)(offset - (first * segmentSize)), length, last == count - 1);
    }
}
