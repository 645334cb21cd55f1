namespace SseSim.Fuzz.Tests;

/// <summary>
/// A small deterministic mutator (bit flips, byte sets, insertions, deletions, truncation, duplication, splicing
/// between seeds, interesting values): enough to walk the parsers' error paths without an instrumented build.
/// </summary>
internal sealed class Mutator(IReadOnlyList<byte[]> seeds, int seed)
{
    private static readonly byte[] Interesting = [0, 1, 0x7f, 0x80, 0xff, (byte)'\r', (byte)'\n', (byte)'<', (byte)'"', (byte)'{', (byte)'%', (byte)';', (byte)'=', (byte)'&', (byte)':'];
    private readonly Random _random = new(seed);

    public byte[] Next()
    {
        var data = new List<byte>(seeds[_random.Next(seeds.Count)]);
        var rounds = 1 + _random.Next(4);
        for (var r = 0; r < rounds; r++)
        {
            Mutate(data);
        }
        return [.. data];
    }

    private void Mutate(List<byte> data)
    {
        var at = data.Count == 0 ? 0 : _random.Next(data.Count);
        switch (_random.Next(9))
        {
            case 0 when data.Count > 0:
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[at] = Interesting[_random.Next(Interesting.Length)];
                break;
            case 2:
                data.Insert(at, (byte)_random.Next(256));
                break;
            case 3 when data.Count > 0:
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(8)));
                break;
            case 4:
                data.RemoveRange(at, data.Count - at);
                break;
            case 5 when data.Count > 0:
                {
                    var length = Math.Min(data.Count - at, 1 + _random.Next(32));
                    data.InsertRange(_random.Next(data.Count), data.GetRange(at, length));
                    break;
                }
            case 6:
                {
                    var other = seeds[_random.Next(seeds.Count)];
                    if (other.Length > 0)
                    {
                        var from = _random.Next(other.Length);
                        data.RemoveRange(at, data.Count - at);
                        data.AddRange(other.AsSpan(from).ToArray());
                    }
                    break;
                }
            case 7 when data.Count >= 4:
                {
                    // A length or count field pushed to an edge.
                    var value = _random.Next(3) switch { 0 => 0xff, 1 => 0x00, _ => 0x7f };
                    for (var i = at; i < Math.Min(data.Count, at + 4); i++)
                    {
                        data[i] = (byte)value;
                    }
                    break;
                }
            default:
                if (data.Count > 0)
                {
                    data.InsertRange(at, Enumerable.Repeat(data[at], 1 + _random.Next(64)));
                }
                break;
        }
    }
}
