using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>
/// The alias calls name the alias's ARN among their resources (KMS developer guide, CreateAlias and UpdateAlias log
/// entries), so LookupEvents finds them by that ARN; responseElements.keyId stays the key's ARN.
/// </summary>
public sealed class LookupEventsKmsAliasTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Alias_events_are_found_by_the_alias_arn()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, json, uuid, boto3
kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
first = kms.create_key()["KeyMetadata"]
second = kms.create_key()["KeyMetadata"]
name = "alias/trail-" + uuid.uuid4().hex
alias_arn = first["Arn"].split(":key/")[0] + ":" + name
kms.create_alias(AliasName=name, TargetKeyId=first["KeyId"])
kms.update_alias(AliasName=name, TargetKeyId=second["KeyId"])
kms.delete_alias(AliasName=name)

events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": alias_arn}])["Events"]
assert [e["EventName"] for e in events] == ["DeleteAlias", "UpdateAlias", "CreateAlias"], events
for e in events:
    assert {"ResourceType": "AWS::KMS::Key", "ResourceName": alias_arn} in e["Resources"], e["Resources"]
create = json.loads(events[2]["CloudTrailEvent"])
assert [r["ARN"] for r in create["resources"]] == [first["Arn"], alias_arn], create["resources"]
assert all(r["type"] == "AWS::KMS::Key" for r in create["resources"]), create["resources"]
assert create["responseElements"] == {"keyId": first["Arn"]}, create["responseElements"]
update = json.loads(events[1]["CloudTrailEvent"])
assert update["resources"][0]["ARN"] == alias_arn, update["resources"]
assert update["responseElements"]["keyId"] != alias_arn, update["responseElements"]
""");
    }
}
