using SseSim.Core.Crypto;

namespace SseSim.Core.Tests;

public sealed class RandomPoolTests
{
    [Fact]
    public void Consecutive_draws_never_repeat_across_buffer_refills()
    {
        var seen = new HashSet<string>();
        Span<byte> draw = stackalloc byte[16];
        for (var i = 0; i < 2000; i++)
        {
            RandomPool.Fill(draw);
            Assert.True(seen.Add(Convert.ToHexString(draw)), "a 128-bit draw repeated");
        }
    }

    [Fact]
    public void Large_requests_are_served_directly()
    {
        var big = new byte[8192];
        RandomPool.Fill(big);
        Assert.Contains(big, b => b != 0);
    }
}
