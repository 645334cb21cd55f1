using SseSim.Core.Secrets;

namespace SseSim.Core.Tests;

public sealed class SecretBytesTests
{
    [Fact]
    public void Dispose_zeroes_and_blocks_further_access()
    {
        var secret = SecretBytes.CopyFrom([1, 2, 3, 4]);
        secret.Dispose();
        Assert.True(secret.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => secret.UnsafeExpose().Length);
    }

    [Fact]
    public void TakeFrom_zeroes_the_source()
    {
        var source = new byte[] { 9, 9, 9 };
        using var secret = SecretBytes.TakeFrom(source);
        Assert.Equal(new byte[3], source);
        Assert.Equal(new byte[] { 9, 9, 9 }, secret.UnsafeExpose().ToArray());
    }

    [Fact]
    public void ToString_never_prints_the_bytes()
    {
        using var secret = SecretBytes.CopyFrom("hunter2"u8);
        Assert.DoesNotContain("hunter2", secret.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("104", secret.ToString(), StringComparison.Ordinal);
        Assert.Contains("redacted", secret.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Equality_compares_content()
    {
        using var a = SecretBytes.CopyFrom([1, 2, 3]);
        using var b = SecretBytes.CopyFrom([1, 2, 3]);
        using var c = SecretBytes.CopyFrom([1, 2, 4]);
        Assert.True(a.Equals(b));
        Assert.False(a.Equals(c));
    }

    [Fact]
    public void Random_secrets_differ_and_have_the_requested_length()
    {
        using var a = SecretBytes.Random(32);
        using var b = SecretBytes.Random(32);
        Assert.Equal(32, a.Length);
        Assert.False(a.Equals(b));
    }

    [Fact]
    public void Secrets_sharing_a_slab_keep_to_their_own_bytes()
    {
        // 300 secrets of 31 bytes cross a few 4 KiB slabs; disposing every other one zeroes exactly its own bytes.
        var secrets = Enumerable.Range(0, 300).Select(i => SecretBytes.CopyFrom(Enumerable.Repeat((byte)(i % 255 + 1), 31).ToArray())).ToList();
        for (var i = 0; i < secrets.Count; i += 2)
        {
            secrets[i].Dispose();
        }
        using var fresh = SecretBytes.Random(31);
        for (var i = 1; i < secrets.Count; i += 2)
        {
            Assert.All(secrets[i].UnsafeExpose().ToArray(), b => Assert.Equal((byte)(i % 255 + 1), b));
            secrets[i].Dispose();
        }
        Assert.Equal(31, fresh.Length);
    }

    [Fact]
    public void Large_and_empty_secrets_work_like_small_ones()
    {
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        using var large = SecretBytes.CopyFrom(bytes);
        Assert.Equal(bytes, large.UnsafeExpose().ToArray());
        using var empty = new SecretBytes(0);
        Assert.Equal(0, empty.UnsafeExpose().Length);
        using var copy = large.Clone();
        Assert.True(copy.Equals(large));
    }
}
