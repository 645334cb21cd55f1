using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>
/// LookupEvents reaches back 90 days, as CloudTrail's event history does (LookupEvents API reference: "events that
/// occurred in a Region within the last 90 days"): a server whose clock moves 91 days no longer returns an event from
/// before, even for a StartTime further back.
/// </summary>
public sealed class LookupEventsHistoryTests : IAsyncLifetime
{
    private readonly ShiftedTime _time = new() { Offset = TimeSpan.FromDays(-91) };
    private readonly ServerFixture _server;

    public LookupEventsHistoryTests() => _server = new ServerFixture { Time = _time };

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Events_older_than_90_days_are_not_returned()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        // 91 days ago, by the server's clock and the client's (botocore signs with its own clock; the host runs one
        // script at a time, and the clock is put back before the script ends).
        await _server.RunPythonAsync("""
import os, sys, datetime, boto3, botocore.auth
real = botocore.auth.get_current_datetime
botocore.auth.get_current_datetime = lambda: real() - datetime.timedelta(days=91)
try:
    kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
    ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
    kms.create_key(Description="old")
    events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateKey"}])["Events"]
    assert len(events) == 1, events
finally:
    botocore.auth.get_current_datetime = real
""");
        _time.Offset = TimeSpan.Zero;
        await _server.RunPythonAsync("""
import os, json, datetime, boto3
kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
new = kms.create_key(Description="new")["KeyMetadata"]["Arn"]
now = datetime.datetime.now(datetime.timezone.utc)
created = [{"AttributeKey": "EventName", "AttributeValue": "CreateKey"}]
def names(**kw):
    return [[r["ResourceName"] for r in e["Resources"]] for e in ct.lookup_events(LookupAttributes=created, **kw)["Events"]]
assert names() == [[new]], names()
# A StartTime before the 90 days is no error (the API reference lists none for it): the older events are just gone.
assert names(StartTime=now - datetime.timedelta(days=100)) == [[new]]
assert names(StartTime=now - datetime.timedelta(days=100), EndTime=now - datetime.timedelta(days=89)) == []
# Nor is any of it in the unfiltered history.
every = ct.lookup_events(StartTime=now - datetime.timedelta(days=100))["Events"]
assert all(e["EventTime"] > now - datetime.timedelta(days=90) for e in every), every
""");
    }
}
