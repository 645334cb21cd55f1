using System.Security.Cryptography;
using SseSim.Core.Storage;
using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Lifecycle;

public sealed class ReplicateKeyTests
{
    [Fact]
    public async Task Replica_shares_id_and_material_but_has_its_own_description_policy_and_tags()
    {
        await using var kit = new LifecycleKit();
        var primary = await kit.CreateMultiRegionKeyAsync();
        var west = await LifecycleKit.Fails(() => kit.DescribeAsync(primary.KeyId, kit.West));
        Assert.Equal($"Key 'arn:aws:kms:us-west-2:111122223333:key/{primary.KeyId}' does not exist", west.Message);

        var response = await kit.ReplicateAsync(primary.KeyId, description: "replica", tags: [new Tag("team", "west")]);
        var replica = response.ReplicaKeyMetadata;
        Assert.Equal(primary.KeyId, replica.KeyId);
        Assert.Equal($"arn:aws:kms:us-west-2:111122223333:key/{primary.KeyId}", replica.Arn);
        // AWS answers before the replica is ready; SseSim's is ready by the next call.
        Assert.Equal("Creating", replica.KeyState);
        Assert.False(replica.Enabled);
        Assert.Equal("REPLICA", replica.MultiRegionConfiguration!.MultiRegionKeyType);
        Assert.Equal([new Tag("team", "west")], response.ReplicaTags);
        Assert.Contains("kms:*", response.ReplicaPolicy, StringComparison.Ordinal);

        var fromWest = await kit.DescribeAsync(primary.KeyId, kit.West);
        var fromEast = await kit.DescribeAsync(primary.Arn!);
        Assert.Equal("Enabled", fromWest.KeyState);
        Assert.Equal("replica", fromWest.Description);
        Assert.Equal("primary", fromEast.Description);
        Assert.Equal(primary.CurrentKeyMaterialId, fromWest.CurrentKeyMaterialId);
        var expected = new MultiRegionKey(primary.Arn!, "us-east-1");
        Assert.Equal(expected, fromWest.MultiRegionConfiguration!.PrimaryKey);
        Assert.Equal(expected, fromEast.MultiRegionConfiguration!.PrimaryKey);
        Assert.Equal("PRIMARY", fromEast.MultiRegionConfiguration.MultiRegionKeyType);
        Assert.Equal([new MultiRegionKey(replica.Arn!, "us-west-2")], fromEast.MultiRegionConfiguration.ReplicaKeys);
        Assert.Equal([new MultiRegionKey(replica.Arn!, "us-west-2")], fromWest.MultiRegionConfiguration.ReplicaKeys);

        var eastTags = await kit.Call("ListResourceTags", new ListResourceTagsRequest { KeyId = primary.KeyId }, ListResourceTags.ExecuteAsync);
        Assert.Empty(eastTags.Tags);
        // Independent key state: disabling the replica leaves the primary enabled.
        await kit.Call("DisableKey", new DisableKeyRequest { KeyId = primary.KeyId }, DisableKey.ExecuteAsync, kit.West);
        Assert.Equal("Disabled", (await kit.DescribeAsync(primary.KeyId, kit.West)).KeyState);
        Assert.Equal("Enabled", (await kit.DescribeAsync(primary.KeyId)).KeyState);
    }

    [Fact]
    public async Task A_ciphertext_from_one_copy_decrypts_with_any_other()
    {
        await using var kit = new LifecycleKit();
        var primary = await kit.CreateMultiRegionKeyAsync();
        await kit.ReplicateAsync(primary.KeyId);
        var context = new Dictionary<string, string> { ["purpose"] = "test" };
        var east = await kit.Call("Encrypt", new EncryptRequest { KeyId = primary.KeyId, Plaintext = "from east"u8.ToArray(), EncryptionContext = context }, Encrypt.ExecuteAsync);
        var west = await kit.Call("Encrypt", new EncryptRequest { KeyId = primary.KeyId, Plaintext = "from west"u8.ToArray(), EncryptionContext = context }, Encrypt.ExecuteAsync, kit.West);
        Assert.Equal(primary.Arn, east.KeyId);
        Assert.Equal($"arn:aws:kms:us-west-2:111122223333:key/{primary.KeyId}", west.KeyId);

        // Decrypt without a KeyId: the blob's mrk id resolves to the copy in the caller's Region.
        var inWest = await kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = east.CiphertextBlob, EncryptionContext = context }, Decrypt.ExecuteAsync, kit.West);
        Assert.Equal("from east"u8.ToArray(), inWest.Plaintext.UnsafeExpose().ToArray());
        Assert.Equal(west.KeyId, inWest.KeyId);
        var inEast = await kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = west.CiphertextBlob, EncryptionContext = context, KeyId = primary.Arn }, Decrypt.ExecuteAsync);
        Assert.Equal("from west"u8.ToArray(), inEast.Plaintext.UnsafeExpose().ToArray());

        // A Region without a copy cannot decrypt it.
        var e = await LifecycleKit.Fails(() => kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = east.CiphertextBlob, EncryptionContext = context },
            Decrypt.ExecuteAsync, kit.Caller with { Region = "eu-west-1" }));
        Assert.Equal("NotFoundException", e.ErrorType);
    }

    [Fact]
    public async Task Imported_material_is_imported_into_each_copy_and_new_material_rotates_once_every_replica_has_it()
    {
        await using var kit = new LifecycleKit();
        var primary = (await kit.Call("CreateKey", new CreateKeyRequest { MultiRegion = true, Origin = "EXTERNAL" }, CreateKey.ExecuteAsync)).KeyMetadata;
        Assert.Equal("PendingImport", primary.KeyState);
        var first = RandomNumberGenerator.GetBytes(32);
        var firstId = (await ImportAsync(kit, primary.KeyId, first, kit.Caller)).KeyMaterialId;

        var replica = (await kit.ReplicateAsync(primary.KeyId)).ReplicaKeyMetadata;
        Assert.Equal("EXTERNAL", replica.Origin);
        Assert.Equal("PendingImport", (await kit.DescribeAsync(primary.KeyId, kit.West)).KeyState);
        var blob = (await kit.Call("Encrypt", new EncryptRequest { KeyId = primary.KeyId, Plaintext = "one"u8.ToArray() }, Encrypt.ExecuteAsync)).CiphertextBlob;
        var e = await LifecycleKit.Fails(() => kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = blob }, Decrypt.ExecuteAsync, kit.West));
        Assert.Equal("KMSInvalidStateException", e.ErrorType);

        // Other material is not the primary's: refused. The same material (same id) enables the replica.
        e = await LifecycleKit.Fails(() => ImportAsync(kit, primary.KeyId, RandomNumberGenerator.GetBytes(32), kit.West));
        Assert.Equal("IncorrectKeyMaterialException", e.ErrorType);
        e = await LifecycleKit.Fails(() => ImportAsync(kit, primary.KeyId, first, kit.West, "NEW_KEY_MATERIAL"));
        Assert.Equal("UnsupportedOperationException", e.ErrorType);
        Assert.Equal(firstId, (await ImportAsync(kit, primary.KeyId, first, kit.West)).KeyMaterialId);
        Assert.Equal("Enabled", (await kit.DescribeAsync(primary.KeyId, kit.West)).KeyState);
        var plain = await kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = blob }, Decrypt.ExecuteAsync, kit.West);
        Assert.Equal("one"u8.ToArray(), plain.Plaintext.UnsafeExpose().ToArray());

        // New material: into the primary, then the same into the replica, then the primary rotates both.
        var second = RandomNumberGenerator.GetBytes(32);
        var secondId = (await ImportAsync(kit, primary.KeyId, second, kit.Caller, "NEW_KEY_MATERIAL")).KeyMaterialId;
        e = await LifecycleKit.Fails(() => kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = primary.KeyId }, RotateKeyOnDemand.ExecuteAsync));
        Assert.Equal("KMSInvalidStateException", e.ErrorType);
        Assert.Contains(replica.Arn!, e.Message, StringComparison.Ordinal);
        await ImportAsync(kit, primary.KeyId, second, kit.West, "EXISTING_KEY_MATERIAL");
        await kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = primary.KeyId }, RotateKeyOnDemand.ExecuteAsync);
        Assert.Equal(secondId, (await kit.DescribeAsync(primary.KeyId, kit.West)).CurrentKeyMaterialId);
        Assert.Equal(secondId, (await kit.DescribeAsync(primary.KeyId)).CurrentKeyMaterialId);
        var newer = (await kit.Call("Encrypt", new EncryptRequest { KeyId = primary.KeyId, Plaintext = "two"u8.ToArray() }, Encrypt.ExecuteAsync, kit.West)).CiphertextBlob;
        plain = await kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = newer }, Decrypt.ExecuteAsync);
        Assert.Equal("two"u8.ToArray(), plain.Plaintext.UnsafeExpose().ToArray());

        // Deleting imported material is per copy.
        await kit.Call("DeleteImportedKeyMaterial", new DeleteImportedKeyMaterialRequest { KeyId = primary.KeyId }, DeleteImportedKeyMaterial.ExecuteAsync, kit.West);
        Assert.Equal("PendingImport", (await kit.DescribeAsync(primary.KeyId, kit.West)).KeyState);
        Assert.Equal("Enabled", (await kit.DescribeAsync(primary.KeyId)).KeyState);
    }

    private static async Task<ImportKeyMaterialResponse> ImportAsync(LifecycleKit kit, string keyId, byte[] material, Core.Aws.Caller caller, string? importType = null)
    {
        var parameters = await kit.Call("GetParametersForImport", new GetParametersForImportRequest { KeyId = keyId, WrappingAlgorithm = "RSAES_OAEP_SHA_256", WrappingKeySpec = "RSA_2048" },
            GetParametersForImport.ExecuteAsync, caller);
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(parameters.PublicKey, out _);
        return await kit.Call("ImportKeyMaterial", new ImportKeyMaterialRequest
        {
            KeyId = keyId,
            ImportToken = parameters.ImportToken,
            EncryptedKeyMaterial = rsa.Encrypt(material, RSAEncryptionPadding.OaepSHA256),
            ExpirationModel = ImportKeyMaterial.DoesNotExpire,
            ImportType = importType,
        }, ImportKeyMaterial.ExecuteAsync, caller);
    }

    [Fact]
    public async Task Only_a_primary_replicates_once_per_Region_into_a_Region_of_its_partition()
    {
        await using var kit = new LifecycleKit();
        var single = await kit.CreateKeyAsync();
        var e = await LifecycleKit.Fails(() => kit.ReplicateAsync(single.KeyId));
        Assert.Equal("UnsupportedOperationException", e.ErrorType);
        Assert.Equal($"{single.Arn} is not a multi-Region primary key.", e.Message);

        var primary = await kit.CreateMultiRegionKeyAsync();
        var replica = (await kit.ReplicateAsync(primary.KeyId)).ReplicaKeyMetadata;
        e = await LifecycleKit.Fails(() => kit.ReplicateAsync(primary.KeyId, "eu-west-1", kit.West));
        Assert.Equal($"{replica.Arn} is not a multi-Region primary key.", e.Message);

        e = await LifecycleKit.Fails(() => kit.ReplicateAsync(primary.KeyId));
        Assert.Equal("AlreadyExistsException", e.ErrorType);
        e = await LifecycleKit.Fails(() => kit.ReplicateAsync(primary.KeyId, "us-east-1"));
        Assert.Equal("AlreadyExistsException", e.ErrorType);
        e = await LifecycleKit.Fails(() => kit.ReplicateAsync(primary.KeyId, "cn-north-1"));
        Assert.Equal("UnsupportedOperationException", e.ErrorType);
        e = await LifecycleKit.Fails(() => kit.ReplicateAsync(primary.KeyId, "xx-nowhere-1"));
        Assert.Equal("UnsupportedOperationException", e.ErrorType);

        await kit.Call("DisableKey", new DisableKeyRequest { KeyId = primary.KeyId }, DisableKey.ExecuteAsync);
        e = await LifecycleKit.Fails(() => kit.ReplicateAsync(primary.KeyId, "eu-west-1"));
        Assert.Equal("DisabledException", e.ErrorType);
    }

    [Fact]
    public async Task Key_policy_conditions_see_the_ReplicaRegion_and_PrimaryRegion_of_the_request()
    {
        await using var kit = new LifecycleKit();
        const string policy = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
              {"Effect":"Deny","Principal":{"AWS":"*"},"Action":"kms:ReplicateKey","Resource":"*","Condition":{"StringEquals":{"kms:ReplicaRegion":"eu-west-1"}}},
              {"Effect":"Deny","Principal":{"AWS":"*"},"Action":"kms:UpdatePrimaryRegion","Resource":"*","Condition":{"StringNotEquals":{"kms:PrimaryRegion":"us-west-2"}}}]}
            """;
        var primary = (await kit.Call("CreateKey", new CreateKeyRequest { MultiRegion = true, Policy = policy }, CreateKey.ExecuteAsync)).KeyMetadata;
        var e = await LifecycleKit.Fails(() => kit.ReplicateAsync(primary.KeyId, "eu-west-1"));
        Assert.Equal("AccessDeniedException", e.ErrorType);
        await kit.ReplicateAsync(primary.KeyId, "us-west-2");
        await kit.ReplicateAsync(primary.KeyId, "ap-south-1");
        e = await LifecycleKit.Fails(() => kit.Call("UpdatePrimaryRegion", new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = "ap-south-1" }, UpdatePrimaryRegion.ExecuteAsync));
        Assert.Equal("AccessDeniedException", e.ErrorType);
        await kit.Call("UpdatePrimaryRegion", new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = "us-west-2" }, UpdatePrimaryRegion.ExecuteAsync);
        Assert.Equal("PRIMARY", (await kit.DescribeAsync(primary.KeyId, kit.West)).MultiRegionConfiguration!.MultiRegionKeyType);
    }

    [Fact]
    public async Task ListKeys_and_aliases_are_Regional_for_copies_and_global_for_single_Region_keys()
    {
        await using var kit = new LifecycleKit();
        var single = await kit.CreateKeyAsync();
        var primary = await kit.CreateMultiRegionKeyAsync();
        await kit.ReplicateAsync(primary.KeyId);
        var westOnly = await kit.CreateMultiRegionKeyAsync(caller: kit.West);

        async Task<List<string>> Arns(LifecycleKit k, Core.Aws.Caller c) =>
            [.. (await k.Call("ListKeys", new ListKeysRequest(), ListKeys.ExecuteAsync, c)).Keys.Select(x => x.KeyArn)];
        Assert.Equal(new[] { single.Arn!, primary.Arn! }.Order(), (await Arns(kit, kit.Caller)).Order());
        Assert.Equal(new[] { single.Arn!, primary.Arn!.Replace("us-east-1", "us-west-2"), westOnly.Arn! }.Order(), (await Arns(kit, kit.West)).Order());

        // The same alias name on each copy: aliases of multi-Region copies are Regional, as in AWS.
        await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/shared", TargetKeyId = primary.KeyId }, CreateAlias.ExecuteAsync);
        await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/shared", TargetKeyId = primary.KeyId }, CreateAlias.ExecuteAsync, kit.West);
        await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/single", TargetKeyId = single.KeyId }, CreateAlias.ExecuteAsync);
        var e = await LifecycleKit.Fails(() => kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/single", TargetKeyId = primary.KeyId }, CreateAlias.ExecuteAsync, kit.West));
        Assert.Equal("AlreadyExistsException", e.ErrorType);

        var west = await kit.Call("ListAliases", new ListAliasesRequest(), ListAliases.ExecuteAsync, kit.West);
        Assert.Contains(west.Aliases, a => a.AliasArn == "arn:aws:kms:us-west-2:111122223333:alias/shared" && a.TargetKeyId == primary.KeyId);
        Assert.Contains(west.Aliases, a => a.AliasName == "alias/single");
        Assert.Single(west.Aliases, a => a.AliasName == "alias/shared");
        var viaAlias = await kit.DescribeAsync("alias/shared", kit.West);
        Assert.Equal(primary.Arn!.Replace("us-east-1", "us-west-2"), viaAlias.Arn);
        Assert.Equal(primary.Arn, (await kit.DescribeAsync("alias/shared")).Arn);
        Assert.Equal(primary.Arn, (await kit.DescribeAsync("arn:aws:kms:us-east-1:111122223333:alias/shared")).Arn);
    }

    [Fact]
    public async Task Copies_aliases_and_grants_survive_a_restart_under_Region_qualified_records()
    {
        await using var kit = new LifecycleKit();
        var primary = await kit.CreateMultiRegionKeyAsync();
        await kit.ReplicateAsync(primary.KeyId, description: "replica");
        await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/west", TargetKeyId = primary.KeyId }, CreateAlias.ExecuteAsync, kit.West);
        var grant = await kit.Call("CreateGrant", new CreateGrantRequest { KeyId = primary.KeyId, GranteePrincipal = "arn:aws:iam::111122223333:user/bob", Operations = ["Decrypt"] },
            CreateGrant.ExecuteAsync, kit.West);
        var blob = (await kit.Call("Encrypt", new EncryptRequest { KeyId = primary.KeyId, Plaintext = "x"u8.ToArray() }, Encrypt.ExecuteAsync)).CiphertextBlob;

        var table = kit.Storage.OpenTable("kms");
        Assert.True(table.TryGet($"key/us-east-1/{primary.KeyId}", out _));
        Assert.True(table.TryGet($"key/us-west-2/{primary.KeyId}", out _));
        Assert.True(table.TryGet("alias/111122223333/us-west-2/alias/west", out _));

        await using var reopened = kit.Open();
        var west = await reopened.InvokeAsync(kit.West, "DescribeKey", new DescribeKeyRequest { KeyId = "alias/west" }, DescribeKey.ExecuteAsync);
        Assert.Equal("replica", west.KeyMetadata.Description);
        Assert.Equal("REPLICA", west.KeyMetadata.MultiRegionConfiguration!.MultiRegionKeyType);
        var grants = await reopened.InvokeAsync(kit.West, "ListGrants", new ListGrantsRequest { KeyId = primary.KeyId }, ListGrants.ExecuteAsync);
        Assert.Equal(grant.GrantId, Assert.Single(grants.Grants).GrantId);
        var eastGrants = await reopened.InvokeAsync(kit.Caller, "ListGrants", new ListGrantsRequest { KeyId = primary.KeyId }, ListGrants.ExecuteAsync);
        Assert.Empty(eastGrants.Grants);
        var plain = await reopened.InvokeAsync(kit.West, "Decrypt", new DecryptRequest { CiphertextBlob = blob }, Decrypt.ExecuteAsync);
        Assert.Equal("x"u8.ToArray(), plain.Plaintext.UnsafeExpose().ToArray());
    }

    [Fact]
    public async Task Records_written_before_multi_Region_keys_still_load()
    {
        // A key and alias exactly as the store wrote them before copies were Region-qualified ("key/<id>",
        // "alias/<account>/<name>"): a golden record, so a change to the layout cannot orphan existing data.
        await using var kit = new LifecycleKit();
        var table = kit.Storage.OpenTable("kms");
        const string keyId = "0b6c8e1e-3d5f-4a27-9c1e-2f1d5a7b9c01";
        await table.ApplyAsync([
            new KvMutation("key/" + keyId, """{"KeyId":"0b6c8e1e-3d5f-4a27-9c1e-2f1d5a7b9c01","AccountId":"111122223333","Region":"us-east-1","CreationDate":"2026-01-01T00:00:00+00:00","Description":"legacy","KeySpec":"SYMMETRIC_DEFAULT","KeyUsage":"ENCRYPT_DECRYPT","Origin":"EXTERNAL","KeyManager":"CUSTOMER","KeyState":"PendingImport","Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}","Tags":[],"RotationEnabled":false,"OnDemandRotations":0,"Materials":[]}"""u8.ToArray()),
            new KvMutation("alias/111122223333/alias/legacy", """{"AliasName":"alias/legacy","AccountId":"111122223333","Region":"us-east-1","TargetKeyId":"0b6c8e1e-3d5f-4a27-9c1e-2f1d5a7b9c01","CreationDate":"2026-01-01T00:00:00+00:00","LastUpdatedDate":"2026-01-01T00:00:00+00:00"}"""u8.ToArray()),
        ]);
        await using var reopened = kit.Open();
        foreach (var caller in new[] { kit.Caller, kit.West })
        {
            var key = (await reopened.InvokeAsync(caller, "DescribeKey", new DescribeKeyRequest { KeyId = "alias/legacy" }, DescribeKey.ExecuteAsync)).KeyMetadata;
            Assert.Equal("legacy", key.Description);
            Assert.Equal($"arn:aws:kms:us-east-1:111122223333:key/{keyId}", key.Arn);
            Assert.False(key.MultiRegion);
        }
        // Deleting the alias removes the legacy record itself.
        await reopened.InvokeAsync(kit.Caller, "DeleteAlias", new DeleteAliasRequest { AliasName = "alias/legacy" }, DeleteAlias.ExecuteAsync);
        Assert.False(table.TryGet("alias/111122223333/alias/legacy", out _));
    }
}
