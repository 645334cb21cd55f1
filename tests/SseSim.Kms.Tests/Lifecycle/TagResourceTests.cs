using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Lifecycle;

public sealed class TagResourceTests
{
    [Fact]
    public async Task Tags_are_added_overwritten_listed_and_removed()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        await kit.Call("TagResource", new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag("team", "a"), new Tag("env", "dev")] }, TagResource.ExecuteAsync);
        await kit.Call("TagResource", new TagResourceRequest { KeyId = key.Arn, Tags = [new Tag("team", "b")] }, TagResource.ExecuteAsync);
        var tags = await kit.Call("ListResourceTags", new ListResourceTagsRequest { KeyId = key.KeyId }, ListResourceTags.ExecuteAsync);
        Assert.Equal([new Tag("env", "dev"), new Tag("team", "b")], tags.Tags);
        await kit.Call("UntagResource", new UntagResourceRequest { KeyId = key.KeyId, TagKeys = ["env"] }, UntagResource.ExecuteAsync);
        tags = await kit.Call("ListResourceTags", new ListResourceTagsRequest { KeyId = key.KeyId }, ListResourceTags.ExecuteAsync);
        Assert.Equal([new Tag("team", "b")], tags.Tags);
    }

    [Fact]
    public async Task Reserved_and_duplicate_tag_keys_are_TagException()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        var reserved = await LifecycleKit.Fails(() => kit.Call("TagResource", new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag("aws:x", "1")] }, TagResource.ExecuteAsync));
        Assert.Equal(("TagException", "Tags beginning with aws: are reserved"), (reserved.ErrorType, reserved.Message));
        var upper = await LifecycleKit.Fails(() => kit.Call("TagResource", new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag("AWS:x", "1")] }, TagResource.ExecuteAsync));
        Assert.Equal(("TagException", "Tags beginning with aws: are reserved"), (upper.ErrorType, upper.Message));
        var dup = await LifecycleKit.Fails(() => kit.Call("TagResource", new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag("a", "1"), new Tag("a", "2")] }, TagResource.ExecuteAsync));
        Assert.Equal("Duplicate tag keys", dup.Message);
    }

    [Fact]
    public async Task UpdateKeyDescription_changes_the_description()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        await kit.Call("UpdateKeyDescription", new UpdateKeyDescriptionRequest { KeyId = key.KeyId, Description = "new words" }, UpdateKeyDescription.ExecuteAsync);
        Assert.Equal("new words", (await kit.DescribeAsync(key.KeyId)).Description);
    }
}
