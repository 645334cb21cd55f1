using System.Globalization;

namespace SseSim.Cli.Bench;

/// <summary>Parses sizes (<c>4KiB</c>, <c>64MiB</c>, <c>1000</c>, <c>2MB</c>) and durations (<c>30s</c>, <c>2m</c>, <c>500ms</c>).</summary>
public static class Sizes
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30),
        ("KB", 1000), ("MB", 1000_000), ("GB", 1000_000_000),
        ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("B", 1),
    ];

    public static long ParseBytes(string text)
    {
        var t = text.Trim();
        foreach (var (suffix, factor) in Units)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return checked(ParseNumber(t[..^suffix.Length], text) * factor);
            }
        }
        return ParseNumber(t, text);
    }

    private static long ParseNumber(string number, string original) =>
        long.TryParse(number.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n
            : throw new FormatException($"'{original}' is not a size (examples: 4096, 4KiB, 64MiB).");

    public static TimeSpan ParseDuration(string text)
    {
        var t = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                return TimeSpan.FromSeconds(n * seconds);
            }
        }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && plain > 0
            ? TimeSpan.FromSeconds(plain)
            : throw new FormatException($"'{text}' is not a duration (examples: 30s, 2m, 500ms).");
    }

    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30}GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20}MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10}KiB",
        _ => $"{bytes}B",
    };
}

/// <summary>An object-size distribution: <c>4KiB</c>, or weighted <c>4KiB:80,1MiB:20</c>.</summary>
public sealed class SizeDistribution
{
    private readonly (long Size, int Weight)[] _entries;
    private readonly int _totalWeight;

    private SizeDistribution((long Size, int Weight)[] entries)
    {
        _entries = entries;
        _totalWeight = entries.Sum(e => e.Weight);
    }

    public long Max => _entries.Max(e => e.Size);

    public IReadOnlyList<(long Size, int Weight)> Entries => _entries;

    public static SizeDistribution Parse(string text)
    {
        var entries = new List<(long, int)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var size = Sizes.ParseBytes(colon < 0 ? part : part[..colon]);
            var weight = colon < 0 ? 1 : int.Parse(part[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
            if (weight <= 0)
            {
                throw new FormatException($"'{part}': weights must be positive.");
            }
            entries.Add((size, weight));
        }
        return entries.Count == 0 ? throw new FormatException("--size needs at least one size.") : new SizeDistribution([.. entries]);
    }

    /// <summary>The size for a draw in [0, 1): the same key index always maps to the same size.</summary>
    public long Pick(double draw)
    {
        var target = draw * _totalWeight;
        foreach (var (size, weight) in _entries)
        {
            if (target < weight)
            {
                return size;
            }
            target -= weight;
        }
        return _entries[^1].Size;
    }

    /// <summary>A deterministic size for key <paramref name="keyIndex"/>, so a preloaded key space follows the distribution.</summary>
    public long ForKey(long keyIndex) => Pick((double)(((ulong)keyIndex * 0x9E3779B97F4A7C15UL) >> 11) / (1UL << 53));

    public override string ToString() =>
        string.Join(',', _entries.Select(e => _entries.Length == 1 ? Sizes.Format(e.Size) : $"{Sizes.Format(e.Size)}:{e.Weight}"));
}
