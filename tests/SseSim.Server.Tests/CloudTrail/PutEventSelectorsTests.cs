using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>Basic and advanced event selectors: the default, AWS's validation, one kind at a time; Insights selectors stored.</summary>
public sealed class PutEventSelectorsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Selectors_are_checked_stored_and_answered()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync(TrailScripts.Prelude + """
log_bucket("sel-logs", account)
arn = ct.create_trail(Name="sel", S3BucketName="sel-logs")["TrailARN"]
got = ct.get_event_selectors(TrailName="sel")
assert got["TrailARN"] == arn and got["EventSelectors"] == [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [], "ExcludeManagementEventSources": []}], got
put = ct.put_event_selectors(TrailName="sel", EventSelectors=[{"ReadWriteType": "WriteOnly", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::sel-logs/"]}]}])
assert put["EventSelectors"][0]["IncludeManagementEvents"] is True and put["EventSelectors"][0]["ReadWriteType"] == "WriteOnly", put
assert ct.get_trail(Name="sel")["Trail"]["HasCustomEventSelectors"] is True
for bad in ([{"ReadWriteType": "Sometimes"}], [{"DataResources": [{"Type": "AWS::EC2::Volume", "Values": ["x"]}]}],
            [{"ExcludeManagementEventSources": ["s3.amazonaws.com"]}], [{}] * 6):
    assert error(ct.put_event_selectors, TrailName="sel", EventSelectors=bad)[0] == "InvalidEventSelectorsException", bad
advanced = [{"Name": "writes", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["false"]}]}]
assert ct.put_event_selectors(TrailName="sel", AdvancedEventSelectors=advanced)["AdvancedEventSelectors"] == advanced
got = ct.get_event_selectors(TrailName="sel")
assert got["AdvancedEventSelectors"] == advanced and "EventSelectors" not in got, got
for bad in ([{"FieldSelectors": [{"Field": "readOnly", "Equals": ["true"]}]}],
            [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventName", "Equals": ["Decrypt"]}]}],
            [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}],
            [{"FieldSelectors": [{"Field": "color", "Equals": ["red"]}]}]):
    assert error(ct.put_event_selectors, TrailName="sel", AdvancedEventSelectors=bad)[0] == "InvalidEventSelectorsException", bad
assert error(ct.put_event_selectors, TrailName="sel", EventSelectors=[{}], AdvancedEventSelectors=advanced)[0] == "InvalidParameterCombinationException"

assert error(ct.get_insight_selectors, TrailName="sel")[0] == "InsightNotEnabledException"
put = ct.put_insight_selectors(TrailName="sel", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}])
assert put["InsightSelectors"] == [{"InsightType": "ApiCallRateInsight"}]
assert ct.get_insight_selectors(TrailName="sel")["InsightSelectors"] == [{"InsightType": "ApiCallRateInsight"}]
assert error(ct.put_insight_selectors, TrailName="sel", InsightSelectors=[{"InsightType": "Guess"}])[0] == "InvalidInsightSelectorsException"
ct.put_insight_selectors(TrailName="sel", InsightSelectors=[])
assert ct.get_trail(Name="sel")["Trail"]["HasInsightSelectors"] is False
""");
    }
}
