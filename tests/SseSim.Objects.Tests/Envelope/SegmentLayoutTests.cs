using SseSim.Objects.Envelope;

namespace SseSim.Objects.Tests.Envelope;

public class SegmentLayoutTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(64)]
    public void Lengths_are_exact_inverses_and_reject_impossible_lengths(int segmentSize)
    {
        var valid = new Dictionary<long, long>();
        for (long p = 0; p <= 1200; p++)
        {
            var c = SegmentLayout.CiphertextLength(p, segmentSize);
            Assert.Equal(EnvelopeFormat.HeaderLength + p + (Math.Max(1, (p + segmentSize - 1) / segmentSize) * 16), c);
            valid[c] = p;
            Assert.Equal(p, SegmentLayout.PlaintextLength(c, segmentSize));
        }
        var maxC = SegmentLayout.CiphertextLength(1200, segmentSize);
        for (long c = 0; c <= maxC; c++)
        {
            var ok = SegmentLayout.TryGetPlaintextLength(c, segmentSize, out var p);
            Assert.Equal(valid.ContainsKey(c), ok);
            if (ok)
            {
                Assert.Equal(valid[c], p);
            }
        }
    }

    [Fact]
    public void MapRange_matches_brute_force_for_every_range()
    {
        const int S = 16;
        for (long plain = 0; plain <= 70; plain++)
        {
            var count = SegmentLayout.SegmentCount(plain, S);
            for (long offset = 0; offset <= plain; offset++)
            {
                for (long length = 0; length <= plain - offset; length++)
                {
                    var r = SegmentLayout.MapRange(plain, offset, length, S);
                    Assert.Equal(length, r.PlaintextLength);
                    if (length == 0)
                    {
                        Assert.Equal(plain == 0 ? 1 : 0, r.SegmentCount);
                        continue;
                    }
                    var first = offset / S;
                    var last = (offset + length - 1) / S;
                    Assert.Equal(first, r.FirstSegment);
                    Assert.Equal(last - first + 1, r.SegmentCount);
                    Assert.Equal(offset - (first * S), r.SkipInFirstSegment);
                    Assert.Equal(last == count - 1, r.IncludesLastSegment);
                    long expectedOffset = EnvelopeFormat.HeaderLength;
                    for (var i = 0L; i < first; i++)
                    {
                        expectedOffset += SegmentLayout.SegmentStoredLength(plain, i, S);
                    }
                    long expectedLength = 0;
                    for (var i = first; i <= last; i++)
                    {
                        expectedLength += SegmentLayout.SegmentStoredLength(plain, i, S);
                    }
                    Assert.Equal(expectedOffset, r.CiphertextOffset);
                    Assert.Equal(expectedLength, r.CiphertextLength);
                    Assert.True(r.CiphertextOffset + r.CiphertextLength <= SegmentLayout.CiphertextLength(plain, S));
                }
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => SegmentLayout.MapRange(plain, plain, 1, S));
        }
    }

    [Fact]
    public void Default_segment_numbers()
    {
        Assert.Equal(52 + 16, SegmentLayout.CiphertextLength(0));
        Assert.Equal(52 + 65536 + 16, SegmentLayout.CiphertextLength(65536));
        Assert.Equal(52 + 65537 + 32, SegmentLayout.CiphertextLength(65537));
        Assert.Equal(65536L * uint.MaxValue, SegmentLayout.MaxPlaintextLength(65536));
        Assert.Throws<ArgumentOutOfRangeException>(() => SegmentLayout.CiphertextLength(0, 15));
        Assert.Throws<ArgumentOutOfRangeException>(() => SegmentLayout.CiphertextLength(0, (16 * 1024 * 1024) + 1));
    }
}
