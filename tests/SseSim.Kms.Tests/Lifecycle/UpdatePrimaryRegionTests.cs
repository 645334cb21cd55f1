using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Lifecycle;

public sealed class UpdatePrimaryRegionTests
{
    [Fact]
    public async Task The_replica_becomes_primary_and_every_copy_shows_it()
    {
        await using var kit = new LifecycleKit();
        var primary = await kit.CreateMultiRegionKeyAsync();
        var replicaArn = (await kit.ReplicateAsync(primary.KeyId)).ReplicaKeyMetadata.Arn!;
        await kit.ReplicateAsync(primary.KeyId, "eu-west-1");

        await kit.Call("UpdatePrimaryRegion", new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = "us-west-2" }, UpdatePrimaryRegion.ExecuteAsync);

        foreach (var caller in new[] { kit.Caller, kit.West, kit.Caller with { Region = "eu-west-1" } })
        {
            var config = (await kit.DescribeAsync(primary.KeyId, caller)).MultiRegionConfiguration!;
            Assert.Equal(new MultiRegionKey(replicaArn, "us-west-2"), config.PrimaryKey);
            Assert.Equal(["eu-west-1", "us-east-1"], config.ReplicaKeys.Select(r => r.Region));
            Assert.Equal(caller.Region == "us-west-2" ? "PRIMARY" : "REPLICA", config.MultiRegionKeyType);
        }
        // Shared properties now change from the new primary only.
        var e = await LifecycleKit.Fails(() => kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = primary.KeyId }, RotateKeyOnDemand.ExecuteAsync));
        Assert.Equal($"{primary.Arn} is not a multi-Region primary key.", e.Message);
        await kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = primary.KeyId }, RotateKeyOnDemand.ExecuteAsync, kit.West);
        Assert.Equal((await kit.DescribeAsync(primary.KeyId, kit.West)).CurrentKeyMaterialId, (await kit.DescribeAsync(primary.KeyId)).CurrentKeyMaterialId);
        // The old primary cannot be replicated any more; the new one can.
        e = await LifecycleKit.Fails(() => kit.ReplicateAsync(primary.KeyId, "ap-south-1"));
        Assert.Equal("UnsupportedOperationException", e.ErrorType);
        await kit.ReplicateAsync(primary.KeyId, "ap-south-1", kit.West);
    }

    [Fact]
    public async Task Refuses_a_replica_a_single_Region_key_and_a_Region_without_a_copy()
    {
        await using var kit = new LifecycleKit();
        var single = await kit.CreateKeyAsync();
        var e = await LifecycleKit.Fails(() => kit.Call("UpdatePrimaryRegion", new UpdatePrimaryRegionRequest { KeyId = single.KeyId, PrimaryRegion = "us-west-2" }, UpdatePrimaryRegion.ExecuteAsync));
        Assert.Equal($"{single.Arn} is not a multi-Region primary key.", e.Message);

        var primary = await kit.CreateMultiRegionKeyAsync();
        await kit.ReplicateAsync(primary.KeyId);
        e = await LifecycleKit.Fails(() => kit.Call("UpdatePrimaryRegion", new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = "us-east-1" }, UpdatePrimaryRegion.ExecuteAsync, kit.West));
        Assert.Equal("UnsupportedOperationException", e.ErrorType);
        e = await LifecycleKit.Fails(() => kit.Call("UpdatePrimaryRegion", new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = "eu-west-1" }, UpdatePrimaryRegion.ExecuteAsync));
        Assert.Equal("NotFoundException", e.ErrorType);
        Assert.Equal($"Key 'arn:aws:kms:eu-west-1:111122223333:key/{primary.KeyId}' does not exist", e.Message);
    }
}
