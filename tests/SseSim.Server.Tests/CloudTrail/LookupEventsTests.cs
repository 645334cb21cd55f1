using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>LookupEvents through boto3 (its own checks off, as other SDKs send such requests): AWS's modelled errors and event categories.</summary>
public sealed class LookupEventsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Insight_category_has_no_events_and_bad_queries_get_the_modelled_errors()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, datetime, boto3
from botocore.config import Config
from botocore.exceptions import ClientError
cfg = Config(parameter_validation=False, retries={"max_attempts": 1})
kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)
def code(**kw):
    try:
        ct.lookup_events(**kw)
    except ClientError as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
        return e.response["Error"]["Code"]
    raise AssertionError("lookup_events succeeded: %r" % kw)

kms.create_key(Description="audited")
created = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateKey"}])["Events"]
assert len(created) == 1 and created[0]["EventSource"] == "kms.amazonaws.com", created
# Management events are not Insights events: SseSim records none of the latter.
insight = ct.lookup_events(EventCategory="insight")
assert insight["Events"] == [] and "NextToken" not in insight, insight
assert code(EventCategory="management") == "InvalidEventCategoryException"
assert code(EventCategory="insight", MaxResults=51) == "InvalidMaxResultsException"
assert code(MaxResults=0) == "InvalidMaxResultsException"
assert code(LookupAttributes=[{"AttributeKey": "Region", "AttributeValue": "x"}]) == "InvalidLookupAttributesException"
assert code(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "a"}, {"AttributeKey": "Username", "AttributeValue": "b"}]) == "InvalidLookupAttributesException"
now = datetime.datetime.now(datetime.timezone.utc)
assert code(StartTime=now, EndTime=now - datetime.timedelta(hours=1)) == "InvalidTimeRangeException"
assert code(NextToken="not-a-token") == "InvalidNextTokenException"
""");
    }
}
