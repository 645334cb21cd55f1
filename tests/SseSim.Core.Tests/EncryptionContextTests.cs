using SseSim.Core.Crypto;

namespace SseSim.Core.Tests;

public sealed class EncryptionContextTests
{
    [Fact]
    public void Canonical_encoding_is_independent_of_pair_order()
    {
        var a = EncryptionContext.From([new("b", "2"), new("a", "1")]);
        var b = EncryptionContext.From([new("a", "1"), new("b", "2")]);
        Assert.Equal(a.Canonicalize(), b.Canonicalize());
    }

    [Fact]
    public void Length_prefixes_keep_ambiguous_concatenations_apart()
    {
        var ab = EncryptionContext.From([new("ab", "c")]);
        var a = EncryptionContext.From([new("a", "bc")]);
        Assert.NotEqual(ab.Canonicalize(), a.Canonicalize());
    }

    [Fact]
    public void Canonical_encoding_golden_bytes()
    {
        // docs/formats/kms-ciphertext-blob.md#encryption-context: count, then sorted (len, key, len, value).
        var ctx = EncryptionContext.From([new("k2", "v"), new("k1", "é")]);
        Assert.Equal(Convert.FromHexString("0002" + "00026b31" + "0002c3a9" + "00026b32" + "000176"), ctx.Canonicalize());
        Assert.Equal([0, 0], EncryptionContext.Empty.Canonicalize());
    }

    [Fact]
    public void Case_matters_and_subset_checks_work()
    {
        var ctx = EncryptionContext.From([new("Dept", "IT"), new("x", "1")]);
        Assert.False(ctx.SameAs(EncryptionContext.From([new("dept", "IT"), new("x", "1")])));
        Assert.True(ctx.Contains(new Dictionary<string, string> { ["x"] = "1" }));
        Assert.False(ctx.Contains(new Dictionary<string, string> { ["x"] = "2" }));
        Assert.True(ctx.SameAs(new Dictionary<string, string> { ["x"] = "1", ["Dept"] = "IT" }));
    }
}
