using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>
/// CreateTrail checks the bucket (exists, CloudTrail's documented policy), the key (found, its policy lets
/// cloudtrail.amazonaws.com GenerateDataKey*), the name and the 5-per-Region quota, with AWS's recorded messages.
/// </summary>
public sealed class CreateTrailTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Create_describe_update_delete_with_AWS_shapes()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync(TrailScripts.Prelude + """
log_bucket("trail-logs", account, "audit")
key = trail_key(account)
kms.create_alias(AliasName="alias/trail-key", TargetKeyId=key)
created = ct.create_trail(Name="main", S3BucketName="trail-logs", S3KeyPrefix="audit", KmsKeyId="alias/trail-key",
                          TagsList=[{"Key": "team", "Value": "sec"}])
arn = f"arn:aws:cloudtrail:us-east-1:{account}:trail/main"
del created["ResponseMetadata"]
assert created == {"Name": "main", "S3BucketName": "trail-logs", "S3KeyPrefix": "audit", "IncludeGlobalServiceEvents": True,
                   "IsMultiRegionTrail": False, "TrailARN": arn, "LogFileValidationEnabled": False, "KmsKeyId": key,
                   "IsOrganizationTrail": False}, created
trail = ct.get_trail(Name="main")["Trail"]
assert trail["HomeRegion"] == "us-east-1" and trail["HasCustomEventSelectors"] is False and trail["HasInsightSelectors"] is False, trail
assert ct.get_trail(Name=arn)["Trail"] == trail
assert ct.describe_trails()["trailList"] == [trail]
assert ct.describe_trails(trailNameList=["main", "other"])["trailList"] == [trail]
assert ct.list_trails()["Trails"] == [{"TrailARN": arn, "Name": "main", "HomeRegion": "us-east-1"}]
status = ct.get_trail_status(Name="main")
assert status["IsLogging"] is False and status["TimeLoggingStarted"] == "" and "StartLoggingTime" not in status, status

# Tags
assert ct.list_tags(ResourceIdList=[arn])["ResourceTagList"] == [{"ResourceId": arn, "TagsList": [{"Key": "team", "Value": "sec"}]}]
ct.add_tags(ResourceId=arn, TagsList=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "ops"}])
ct.remove_tags(ResourceId=arn, TagsList=[{"Key": "env"}])
assert ct.list_tags(ResourceIdList=[arn])["ResourceTagList"][0]["TagsList"] == [{"Key": "team", "Value": "ops"}]
assert error(ct.add_tags, ResourceId=arn.replace("main", "none"), TagsList=[{"Key": "a", "Value": "b"}])[0] == "ResourceNotFoundException"

# Start/stop
ct.start_logging(Name="main")
status = ct.get_trail_status(Name=arn)
assert status["IsLogging"] is True and "StartLoggingTime" in status and status["TimeLoggingStarted"].endswith("Z"), status
ct.stop_logging(Name="main")
status = ct.get_trail_status(Name="main")
assert status["IsLogging"] is False and "StopLoggingTime" in status, status

# Update: keep what is not given; an empty key id stops encrypting with a key.
updated = ct.update_trail(Name="main", IsMultiRegionTrail=True, KmsKeyId="")
assert updated["IsMultiRegionTrail"] is True and "KmsKeyId" not in updated and updated["S3KeyPrefix"] == "audit", updated
assert error(ct.update_trail, Name="main", S3BucketName="no-such-bucket")[0] == "S3BucketDoesNotExistException"
# A multi-Region trail is a shadow trail in the other Regions, changed only in its home Region.
west = boto3.client("cloudtrail", endpoint_url=EP, region_name="us-west-2")
assert [t["Name"] for t in west.describe_trails()["trailList"]] == ["main"]
assert west.describe_trails(includeShadowTrails=False)["trailList"] == []
assert error(west.stop_logging, Name="main")[0] == "InvalidHomeRegionException"

ct.delete_trail(Name="main")
assert ct.describe_trails()["trailList"] == []
assert error(ct.get_trail, Name="main") == ("TrailNotFoundException", f"Unknown trail: main for the user: {account}")
""");
    }

    [Fact]
    public async Task Bucket_key_name_and_quota_errors()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync(TrailScripts.Prelude + """
got = error(ct.create_trail, Name="tr1", S3BucketName="missing-bucket")
assert got[0] == "S3BucketDoesNotExistException", got
s3.create_bucket(Bucket="no-policy")
assert error(ct.create_trail, Name="tr1", S3BucketName="no-policy") == ("InsufficientS3BucketPolicyException", "Incorrect S3 bucket policy is detected for bucket: no-policy")
# A policy for another prefix does not let CloudTrail write under this one.
s3.create_bucket(Bucket="wrong-prefix")
s3.put_bucket_policy(Bucket="wrong-prefix", Policy=bucket_policy("wrong-prefix", account, "other"))
assert error(ct.create_trail, Name="tr1", S3BucketName="wrong-prefix", S3KeyPrefix="mine")[0] == "InsufficientS3BucketPolicyException"
log_bucket("good-logs", account)
assert error(ct.create_trail, Name="tr1", S3BucketName="good-logs", KmsKeyId="alias/none")[0] == "KmsKeyNotFoundException"
plain = kms.create_key()["KeyMetadata"]["Arn"]
assert error(ct.create_trail, Name="tr1", S3BucketName="good-logs", KmsKeyId=plain) == (
    "InsufficientEncryptionPolicyException", f"Insufficient permissions to access S3 bucket good-logs or KMS key {plain}.")
assert error(ct.create_trail, Name="tr1", S3BucketName="good-logs", SnsTopicName="topic")[0] == "UnsupportedOperationException"
assert error(ct.create_trail, Name="x", S3BucketName="good-logs")[0] == "InvalidTrailNameException"
for i in range(5):
    ct.create_trail(Name=f"tr{i}", S3BucketName="good-logs")
assert error(ct.create_trail, Name="tr0", S3BucketName="good-logs") == ("TrailAlreadyExistsException", f"Trail tr0 already exists for customer: {account}")
assert error(ct.create_trail, Name="tr5", S3BucketName="good-logs") == ("MaximumNumberOfTrailsExceededException", f"User: {account} already has 5 trails in us-east-1.")
# Another Region has its own quota.
boto3.client("cloudtrail", endpoint_url=EP, region_name="eu-west-1").create_trail(Name="tr5", S3BucketName="good-logs")
assert len(ct.list_trails()["Trails"]) == 6
# The trail calls are CloudTrail management events.
events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateTrail"}])["Events"]
assert len(events) >= 6, events
last = json.loads(events[0]["CloudTrailEvent"])
assert last["eventSource"] == "cloudtrail.amazonaws.com" and last["requestParameters"]["name"] == "tr5", last
assert last["responseElements"]["trailARN"].endswith(":trail/tr5"), last
# The class's other test creates trails in us-east-1 too.
for t in ct.list_trails()["Trails"]:
    boto3.client("cloudtrail", endpoint_url=EP, region_name=t["HomeRegion"]).delete_trail(Name=t["TrailARN"])
""");
    }
}
