namespace SseSim.Volumes.Blocks;

/// <summary>
/// Per-volume IOPS and throughput token buckets (<c>--volume-limits</c>), refilled continuously from the
/// TimeProvider. One request costs one I/O per started 256 KiB (AWS counts I/O up to 256 KiB as one for SSD volumes).
/// </summary>
internal sealed class VolumeLimiter(int iops, int throughputMiBps, TimeProvider time)
{
    private readonly Lock _lock = new();
    private double _ioTokens = iops;
    private double _byteTokens = throughputMiBps * 1024.0 * 1024.0;
    private long _last = time.GetTimestamp();

    public int Iops => iops;

    public int ThroughputMiBps => throughputMiBps;

    public async ValueTask AcquireAsync(int bytes, CancellationToken cancellationToken)
    {
        var ios = Math.Max(1, (bytes + (256 * 1024) - 1) / (256 * 1024));
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = time.GetTimestamp();
                var seconds = time.GetElapsedTime(_last, now).TotalSeconds;
                _last = now;
                _ioTokens = Math.Min(iops, _ioTokens + (seconds * iops));
                var byteRate = throughputMiBps * 1024.0 * 1024.0;
                _byteTokens = Math.Min(byteRate, _byteTokens + (seconds * byteRate));
                if (_ioTokens >= ios || _ioTokens >= iops)
                {
                    if (_byteTokens >= bytes || _byteTokens >= byteRate)
                    {
                        _ioTokens -= ios;
                        _byteTokens -= bytes;
                        return;
                    }
                }
                var ioWait = Math.Max(0, (ios - _ioTokens) / iops);
                var byteWait = Math.Max(0, (bytes - _byteTokens) / byteRate);
                wait = TimeSpan.FromSeconds(Math.Clamp(Math.Max(ioWait, byteWait), 0.001, 1));
            }
            await Task.Delay(wait, time, cancellationToken);
        }
    }
}
