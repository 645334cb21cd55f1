using System.Numerics;

namespace SseSim.Cli.Bench;

/// <summary>
/// A log-linear latency histogram in nanoseconds (the HdrHistogram layout): values below 2^bits are exact, above that
/// each power-of-two band has 2^(bits-1) buckets, so the relative error is at most 2^-(bits-1). Lock-free recording,
/// fixed memory whatever the run length.
/// </summary>
public sealed class LatencyHistogram
{
    private readonly int _bits;
    private readonly long[] _counts;
    private long _count;
    private long _sum;
    private long _max;
    private long _min = long.MaxValue;

    public LatencyHistogram(int bits = 9)
    {
        _bits = bits;
        _counts = new long[(1 << bits) + ((64 - bits) * (1 << (bits - 1)))];
    }

    public long Count => Interlocked.Read(ref _count);

    public double MeanNanoseconds => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    public long MaxNanoseconds => Count == 0 ? 0 : Interlocked.Read(ref _max);

    public long MinNanoseconds => Count == 0 ? 0 : Interlocked.Read(ref _min);

    public void Record(long nanoseconds)
    {
        var v = Math.Max(0, nanoseconds);
        Interlocked.Increment(ref _counts[Index(v)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, v);
        long seen;
        while (v > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, v, seen) != seen)
        {
        }
        while (v < (seen = Interlocked.Read(ref _min)) && Interlocked.CompareExchange(ref _min, v, seen) != seen)
        {
        }
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1): the middle of the bucket holding that rank, capped at the max.</summary>
    public long ValueAtQuantile(double q)
    {
        var count = Count;
        if (count == 0)
        {
            return 0;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(q * count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                var (low, high) = Bounds(i);
                return Math.Min(low + ((high - low) / 2), MaxNanoseconds);
            }
        }
        return MaxNanoseconds;
    }

    private int Index(long v)
    {
        var m = 1L << _bits;
        if (v < m)
        {
            return (int)v;
        }
        var shift = BitOperations.Log2((ulong)v) - _bits + 1;
        var top = v >> shift;
        return (int)(m + ((shift - 1) * (m / 2)) + (top - (m / 2)));
    }

    private (long Low, long High) Bounds(int index)
    {
        var m = 1L << _bits;
        if (index < m)
        {
            return (index, index);
        }
        var band = (index - m) / (m / 2);
        var shift = (int)band + 1;
        var top = ((index - m) % (m / 2)) + (m / 2);
        return (top << shift, ((top + 1) << shift) - 1);
    }
}
