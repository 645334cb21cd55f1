using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>Trails, their selectors, tags and logging state are durable: a restarted server has them all.</summary>
public sealed class TrailPersistenceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_trail_survives_a_restart()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync(TrailScripts.Prelude + """
log_bucket("kept-logs", account)
ct.create_trail(Name="kept", S3BucketName="kept-logs", TagsList=[{"Key": "k", "Value": "v"}])
ct.put_event_selectors(TrailName="kept", EventSelectors=[{"ReadWriteType": "WriteOnly"}])
ct.start_logging(Name="kept")
""");
        await server.RestartAsync();
        await server.RunPythonAsync(TrailScripts.Prelude + """
trail = ct.get_trail(Name="kept")["Trail"]
assert trail["S3BucketName"] == "kept-logs" and trail["HasCustomEventSelectors"] is True, trail
assert ct.get_event_selectors(TrailName="kept")["EventSelectors"][0]["ReadWriteType"] == "WriteOnly"
assert ct.get_trail_status(Name="kept")["IsLogging"] is True
assert ct.list_tags(ResourceIdList=[trail["TrailARN"]])["ResourceTagList"][0]["TagsList"] == [{"Key": "k", "Value": "v"}]
""");
    }
}
