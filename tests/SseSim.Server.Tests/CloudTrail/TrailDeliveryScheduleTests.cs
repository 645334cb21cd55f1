using Microsoft.Extensions.Time.Testing;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>Without being asked, a logging trail delivers every 5 minutes of the server's (injected) clock.</summary>
public sealed class TrailDeliveryScheduleTests : IAsyncLifetime
{
    // Starts at the real time so clients' SigV4 signatures stay within the 15 minutes of skew allowed.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ServerFixture _server;

    public TrailDeliveryScheduleTests() => _server = new ServerFixture { Time = _time };

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_logging_trail_delivers_when_five_minutes_have_passed()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await _server.RunPythonAsync(TrailScripts.Prelude + """
log_bucket("timed-logs", account)
ct.create_trail(Name="timed", S3BucketName="timed-logs")
ct.start_logging(Name="timed")
kms.create_key(Description="timed")
""");
        _time.Advance(TimeSpan.FromMinutes(4));
        await Task.Delay(300);
        await _server.RunPythonAsync(TrailScripts.Prelude + """
assert "Contents" not in s3.list_objects_v2(Bucket="timed-logs", Prefix="AWSLogs/"), "delivered before 5 minutes"
""");
        _time.Advance(TimeSpan.FromMinutes(1));
        await _server.RunPythonAsync(TrailScripts.Prelude + """
import time
for _ in range(100):
    found = s3.list_objects_v2(Bucket="timed-logs", Prefix="AWSLogs/").get("Contents", [])
    if found:
        break
    time.sleep(0.1)
[obj] = found
assert any(e["eventName"] == "CreateKey" for e in records("timed-logs", obj["Key"]))
assert "LatestDeliveryTime" in ct.get_trail_status(Name="timed")
""");
    }
}
