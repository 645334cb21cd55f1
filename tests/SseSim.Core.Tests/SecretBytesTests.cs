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
}
