using SseSim.Core.Secrets;
using SseSim.Kms.Crypto;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Cryptography.CryptoKit;

namespace SseSim.Kms.Tests.Cryptography;

public sealed class DecryptTests : IAsyncLifetime
{
    private readonly CryptoKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Encryption_context_must_match_exactly_but_order_is_free()
    {
        var key = await _kit.CreateKeyAsync();
        var context = Ctx(("bucket", "b1"), ("object", "k1"));
        var blob = (await _kit.EncryptAsync(key.KeyId, [1, 2, 3], context)).CiphertextBlob;

        using (var ok = (await _kit.DecryptAsync(blob, Ctx(("object", "k1"), ("bucket", "b1")))).Plaintext)
        {
            Assert.Equal([1, 2, 3], ok.UnsafeExpose().ToArray());
        }
        Dictionary<string, string>?[] wrong =
        [
            null,
            Ctx(("bucket", "b1")),
            Ctx(("bucket", "b1"), ("object", "k1"), ("extra", "x")),
            Ctx(("Bucket", "b1"), ("object", "k1")),
            Ctx(("bucket", "B1"), ("object", "k1")),
            Ctx(("bucket", "b1"), ("object", "k2")),
            Ctx(("bucketb", "1"), ("object", "k1")),
        ];
        foreach (var c in wrong)
        {
            await Fails("InvalidCiphertextException", () => _kit.DecryptAsync(blob, c), "");
        }
        var bare = (await _kit.EncryptAsync(key.KeyId, [4])).CiphertextBlob;
        await Fails("InvalidCiphertextException", () => _kit.DecryptAsync(bare, Ctx(("a", "b"))), "");
    }

    [Fact]
    public async Task Every_bit_flip_and_truncation_is_refused()
    {
        var key = await _kit.CreateKeyAsync();
        var blob = (await _kit.EncryptAsync(key.KeyId, new byte[32], Ctx(("k", "v")))).CiphertextBlob;
        var keyIdEnd = 2 + blob[1];
        for (var i = 0; i < blob.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])blob.Clone();
                tampered[i] ^= (byte)(1 << bit);
                var e = await Fails(() => _kit.DecryptAsync(tampered, Ctx(("k", "v"))));
                // A flipped key id can name another, unknown key: NotFound, as for a deleted key.
                if (e.ErrorType == "NotFoundException")
                {
                    Assert.InRange(i, 2, keyIdEnd - 1);
                }
                else
                {
                    Assert.Equal("InvalidCiphertextException", e.ErrorType);
                    Assert.Equal("", e.Message);
                }
            }
        }
        for (var length = 1; length < blob.Length; length++)
        {
            await Fails("InvalidCiphertextException", () => _kit.DecryptAsync(blob[..length], Ctx(("k", "v"))), "");
        }
        await Fails("InvalidCiphertextException", () => _kit.DecryptAsync([.. blob, 0], Ctx(("k", "v"))), "");
        await Fails("InvalidCiphertextException", () => _kit.DecryptAsync(new byte[200]), "");
    }

    [Fact]
    public async Task Key_id_that_does_not_match_the_blob_is_incorrect_key()
    {
        var a = await _kit.CreateKeyAsync();
        var b = await _kit.CreateKeyAsync();
        var blob = (await _kit.EncryptAsync(a.KeyId, [1])).CiphertextBlob;
        await Fails("IncorrectKeyException", () => _kit.DecryptAsync(blob, keyId: b.KeyId),
            "The key ID in the request does not identify a CMK that can perform this operation.");
        await Fails("NotFoundException", () => _kit.DecryptAsync(blob, keyId: "alias/missing"));
        // AWS compares the keys before the named key's usage (LocalStack's AWS-recorded test_error_messaging_for_invalid_keys).
        var hmac = await _kit.CreateKeyAsync("HMAC_224", KeyUsages.GenerateVerifyMac);
        await Fails("IncorrectKeyException", () => _kit.DecryptAsync(blob, keyId: hmac.KeyId),
            "The key ID in the request does not identify a CMK that can perform this operation.");
        using var p = (await _kit.DecryptAsync(blob, keyId: a.Arn)).Plaintext;
        Assert.Equal([1], p.UnsafeExpose().ToArray());
    }

    [Fact]
    public async Task Rotation_keeps_old_ciphertext_readable()
    {
        var key = await _kit.CreateKeyAsync();
        var before = (await _kit.EncryptAsync(key.KeyId, [1])).CiphertextBlob;
        var rotated = await _kit.RotateAsync(key.KeyId);
        var after = (await _kit.EncryptAsync(key.KeyId, [2])).CiphertextBlob;

        var old = await _kit.DecryptAsync(before);
        var fresh = await _kit.DecryptAsync(after);
        Assert.Equal(key.CurrentKeyMaterialId, old.KeyMaterialId);
        Assert.Equal(rotated.Materials[^1].Id, fresh.KeyMaterialId);
        Assert.NotEqual(old.KeyMaterialId, fresh.KeyMaterialId);
        Assert.Equal([1], old.Plaintext.UnsafeExpose().ToArray());
        Assert.Equal([2], fresh.Plaintext.UnsafeExpose().ToArray());
    }

    [Fact]
    public async Task Blob_of_a_deleted_key_is_not_found()
    {
        var key = await _kit.CreateKeyAsync();
        var blob = (await _kit.EncryptAsync(key.KeyId, [1])).CiphertextBlob;
        await _kit.Kms.Store.PurgeKeyAsync(_kit.Kms.Store.FindKey(key.KeyId)!);
        await Fails("NotFoundException", () => _kit.DecryptAsync(blob), $"Key '{key.Arn}' does not exist");
    }

    [Fact]
    public async Task Material_id_unknown_to_the_key_is_invalid_ciphertext()
    {
        var key = await _kit.CreateKeyAsync();
        var other = await _kit.CreateKeyAsync();
        var blob = (await _kit.EncryptAsync(other.KeyId, [1])).CiphertextBlob;
        // Re-label the blob with the first key's id: the header is bound by the AAD, and the material is unknown anyway.
        var relabeled = (byte[])blob.Clone();
        System.Text.Encoding.ASCII.GetBytes(key.KeyId).CopyTo(relabeled, 2);
        await Fails("InvalidCiphertextException", () => _kit.DecryptAsync(relabeled), "");
    }

    [Fact]
    public async Task Dry_run_decrypts_then_reports_dry_run()
    {
        var key = await _kit.CreateKeyAsync();
        var blob = (await _kit.EncryptAsync(key.KeyId, [1])).CiphertextBlob;
        await Fails("DryRunOperationException", () => _kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = blob, DryRun = true }, Decrypt.ExecuteAsync));
        await Fails("InvalidCiphertextException", () => _kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = [1, 2, 3], DryRun = true }, Decrypt.ExecuteAsync));
        await Fails("DryRunOperationException", () => _kit.Call("Decrypt",
            new DecryptRequest { CiphertextBlob = [1, 2, 3], DryRun = true, DryRunModifiers = ["IGNORE_CIPHERTEXT"], KeyId = key.KeyId }, Decrypt.ExecuteAsync));
    }

    [Fact]
    public async Task Recipient_is_unsupported()
    {
        var key = await _kit.CreateKeyAsync();
        var blob = (await _kit.EncryptAsync(key.KeyId, [1])).CiphertextBlob;
        var e = await Fails("UnsupportedOperationException", () => _kit.Call("Decrypt",
            new DecryptRequest { CiphertextBlob = blob, Recipient = new RecipientInfo { KeyEncryptionAlgorithm = "RSAES_OAEP_SHA_256", AttestationDocument = [1] } },
            Decrypt.ExecuteAsync));
        Assert.Contains("Recipient", e.Message, StringComparison.Ordinal);
    }

    // Golden vector: produced by an independent Python implementation of docs/formats/kms-ciphertext-blob.md.
    private const string GoldenKeyId = "00000000-1111-2222-3333-444444444444";
    private const string GoldenMaterialId = "abababababababababababababababababababababababababababababababab";
    private const string GoldenBlob =
        "012430303030303030302d313131312d323232322d333333332d343434343434343434343434" +
        "abababababababababababababababababababababababababababababababab" +
        "404142434445464748494a4b4c4d4e4f" +
        "6d4901ef2ec0bd6eaf47719bc312cc65a8f3d6e6" +
        "c9a4d77dd51587bc2a0b809359cdf436";

    [Fact]
    public async Task Golden_vector_opens_and_has_the_documented_header()
    {
        using (var backing = SecretBytes.CopyFrom(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()))
        {
            await _kit.Kms.Store.PutKeyAsync(new KmsKey
            {
                KeyId = GoldenKeyId,
                AccountId = Account,
                Region = "us-east-1",
                CreationDate = _kit.Time.GetUtcNow(),
                Policy = KeyPolicies.Default(Account),
                Materials = [_kit.Kms.Vault.Seal(GoldenKeyId, "SYMMETRIC_DEFAULT", GoldenMaterialId, backing)],
            });
        }
        var blob = Convert.FromHexString(GoldenBlob);
        var context = Ctx(("b", "2"), ("aws:s3:arn", "arn:aws:s3:::bucket/key"));
        var response = await _kit.DecryptAsync(blob, context);
        Assert.Equal("SseSim golden vector", System.Text.Encoding.ASCII.GetString(response.Plaintext.UnsafeExpose()));
        Assert.Equal(GoldenMaterialId, response.KeyMaterialId);

        // A fresh blob under the same material has the same header layout: version, id length, id, material id.
        var fresh = (await _kit.EncryptAsync(GoldenKeyId, "SseSim golden vector"u8.ToArray(), context)).CiphertextBlob;
        Assert.Equal(blob.Length, fresh.Length);
        Assert.Equal(blob[..(2 + 36 + 32)], fresh[..(2 + 36 + 32)]);
        Assert.Equal(0x01, fresh[0]);
        Assert.Equal(36, fresh[1]);
        Assert.True(CiphertextBlob.TryParseHeader(fresh, out var keyId, out var materialId));
        Assert.Equal(GoldenKeyId, keyId);
        Assert.Equal(GoldenMaterialId, materialId);
        Assert.NotEqual(blob[70..86], fresh[70..86]);
    }
}
