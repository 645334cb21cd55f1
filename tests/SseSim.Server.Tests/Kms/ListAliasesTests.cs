using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Kms;

/// <summary>
/// ListAliases through boto3 on a server of its own: AWS lists its predefined aliases before their AWS managed key
/// exists, with no TargetKeyId and no dates, and with the key once a first use created it.
/// </summary>
public sealed class ListAliasesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Predefined_aliases_are_listed_without_a_target_until_their_managed_key_exists()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, boto3
kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
def listed(**kw):
    out, marker = [], None
    while True:
        page = kms.list_aliases(**kw, **({"Marker": marker} if marker else {}))
        out += page["Aliases"]
        if not page["Truncated"]:
            return out
        marker = page["NextMarker"]
fresh = {a["AliasName"]: a for a in listed()}
assert set(fresh) == {"alias/aws/ebs", "alias/aws/s3"}, fresh
for name, a in fresh.items():
    assert a == {"AliasName": name, "AliasArn": "arn:aws:kms:us-east-1:000000000000:" + name}, a

key = kms.create_key()["KeyMetadata"]["KeyId"]
kms.create_alias(AliasName="alias/app", TargetKeyId=key)
managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
assert managed["KeyManager"] == "AWS"
# Paged one at a time, in name order, the predefined alias now carries its key and dates.
one_by_one = listed(Limit=1)
assert [a["AliasName"] for a in one_by_one] == ["alias/app", "alias/aws/ebs", "alias/aws/s3"], one_by_one
s3 = one_by_one[2]
assert s3["TargetKeyId"] == managed["KeyId"] and "CreationDate" in s3 and "LastUpdatedDate" in s3, s3
assert "TargetKeyId" not in one_by_one[1]
# Filtered by key, only aliases that point at it: never the unassociated predefined ones.
assert [a["AliasName"] for a in listed(KeyId=key)] == ["alias/app"]
assert [a["AliasName"] for a in listed(KeyId=managed["Arn"])] == ["alias/aws/s3"]
""");
    }
}
