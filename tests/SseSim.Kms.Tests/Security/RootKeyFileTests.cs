using SseSim.Kms.Crypto;

namespace SseSim.Kms.Tests.Security;

public sealed class RootKeyFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sseSim-rootkey-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Created_owner_only_and_reloaded()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var first = RootKey.LoadOrCreate(_dir);
        var path = Path.Combine(_dir, "kms-root.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using var second = RootKey.LoadOrCreate(_dir);
        using var a = first.DeriveSubkey("check");
        using var b = second.DeriveSubkey("check");
        Assert.True(a.Equals(b));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherWrite)]
    public void Refuses_a_root_key_readable_by_others(UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        RootKey.LoadOrCreate(_dir).Dispose();
        var path = Path.Combine(_dir, "kms-root.key");
        File.SetUnixFileMode(path, mode);
        var e = Assert.Throws<InvalidOperationException>(() => RootKey.LoadOrCreate(_dir));
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        RootKey.LoadOrCreate(_dir).Dispose();
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
