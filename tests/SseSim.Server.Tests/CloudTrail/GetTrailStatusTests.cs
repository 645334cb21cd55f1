using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>
/// Every call on a named trail finds none. AWS names it by ARN and the caller's account ("Unknown trail:
/// arn:aws:cloudtrail:us-east-2:…:trail/symdemo for the user: …", as get-trail-status transcripts show), except
/// GetTrail, which names it as given. Names are checked first, by CreateTrail's documented rules.
/// </summary>
public sealed class GetTrailStatusTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_trail_that_does_not_exist_is_TrailNotFoundException()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, boto3
from botocore.exceptions import ClientError
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-2")
account = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-2").create_key()["KeyMetadata"]["AWSAccountId"]
arn = f"arn:aws:cloudtrail:us-east-2:{account}:trail/symdemo"
def error(call, **kw):
    try:
        call(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("no error")
by_arn = ("TrailNotFoundException", f"Unknown trail: {arn} for the user: {account}", 400)
assert error(ct.get_trail_status, Name="symdemo") == by_arn, error(ct.get_trail_status, Name="symdemo")
assert error(ct.get_trail_status, Name=arn) == by_arn
assert error(ct.get_trail, Name="symdemo") == ("TrailNotFoundException", f"Unknown trail: symdemo for the user: {account}", 400)
for call in (ct.start_logging, ct.stop_logging, ct.delete_trail):
    assert error(call, Name="symdemo") == by_arn, call
assert error(ct.update_trail, Name="symdemo", S3BucketName="b") == by_arn
assert error(ct.get_event_selectors, TrailName="symdemo") == by_arn
assert error(ct.get_insight_selectors, TrailName="symdemo") == by_arn

for bad, message in [
    ("ab", "Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters."),
    ("a" * 129, "Trail name too long. Maximum allowed length: 128 characters. Specified name length: 129 characters."),
    ("my trail", "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_)."),
    ("-trail", "Trail name must starts with a letter or number."),
    ("trail_", "Trail name must ends with a letter or number."),
]:
    assert error(ct.get_trail_status, Name=bad) == ("InvalidTrailNameException", message, 400), (bad, error(ct.get_trail_status, Name=bad))
for bad in ("my--trail", "my-_trail", "192.168.5.4"):
    assert error(ct.get_trail, Name=bad)[0] == "InvalidTrailNameException", bad
""");
    }
}
