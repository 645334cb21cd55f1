namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class PutBucketLifecycleConfigurationTests(ServerFixture server)
{
    [Fact]
    public async Task A_transition_date_not_at_midnight_utc_is_InvalidArgument_like_an_expiration_date()
    {
        var r = await server.RunBoto3Async("""
            def put(rule):
                return error(s3.put_bucket_lifecycle_configuration, Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
            base = {"ID": "t", "Status": "Enabled", "Filter": {"Prefix": "p/"}}
            out["transitionNoon"] = put(base | {"Transitions": [{"Date": "2030-01-01T12:00:00Z", "StorageClass": "GLACIER"}]})
            out["expirationNoon"] = put(base | {"Expiration": {"Date": "2030-01-01T12:00:00Z"}})
            out["transitionMidnight"] = put(base | {"Transitions": [{"Date": "2030-01-01T00:00:00Z", "StorageClass": "GLACIER"}]})
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("InvalidArgument 400", result.Outcome("transitionNoon"));
        Assert.Equal("InvalidArgument 400", result.Outcome("expirationNoon"));
        Assert.Equal("ok", result.Outcome("transitionMidnight"));
    }

    [Fact]
    public async Task A_rule_without_Filter_or_Prefix_is_MalformedXML_and_duplicate_And_tag_keys_InvalidRequest()
    {
        // Recorded from AWS: LocalStack test_s3.py TestS3BucketLifecycle::test_put_bucket_lifecycle_conf_exc
        // (missing-id, missing-filter, duplicate-tag-keys).
        var r = await server.RunBoto3Async("""
            def put(rule):
                return error(s3.put_bucket_lifecycle_configuration, Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
            out["noFilter"] = put({"ID": "wholebucket", "Status": "Enabled", "Expiration": {"Days": 7}})
            out["noFilterNoId"] = put({"Status": "Enabled", "Expiration": {"Days": 7}})
            out["duplicateTags"] = put({"ID": "d", "Status": "Enabled", "Expiration": {"Days": 1}, "Filter": {"And": {"Tags": [
                {"Key": "testlifecycle", "Value": "positive"}, {"Key": "testlifecycle", "Value": "positive-two"}]}}})
            out["rulePrefix"] = put({"ID": "p", "Status": "Enabled", "Prefix": "logs/", "Expiration": {"Days": 7}})
            out["distinctTags"] = put({"ID": "t", "Status": "Enabled", "Expiration": {"Days": 1}, "Filter": {"And": {"Tags": [
                {"Key": "a", "Value": "1"}, {"Key": "b", "Value": "1"}]}}})
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("MalformedXML 400", result.Outcome("noFilter"));
        Assert.Equal("MalformedXML 400", result.Outcome("noFilterNoId"));
        Assert.Equal("[\"InvalidRequest\", 400, \"Duplicate Tag Keys are not allowed.\"]", result.GetProperty("duplicateTags").GetRawText());
        Assert.Equal("ok", result.Outcome("rulePrefix"));
        Assert.Equal("ok", result.Outcome("distinctTags"));
    }

    [Fact]
    public async Task A_rule_put_without_an_ID_is_answered_with_one_S3_assigned()
    {
        // ceph/s3-tests test_lifecycle_get_no_id (passes against AWS); a rule with an ID keeps it.
        var r = await server.RunBoto3Async("""
            rules = [{"Expiration": {"Days": 31}, "Prefix": "test1/", "Status": "Enabled"},
                     {"ID": "mine", "Expiration": {"Days": 120}, "Prefix": "test2/", "Status": "Enabled"}]
            s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
            got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
            again = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
            out["ids"] = [g.get("ID") for g in got]
            out["stable"] = [g.get("ID") for g in again] == out["ids"]
            out["rest"] = [{k: v for k, v in g.items() if k != "ID"} for g in got] == [{k: v for k, v in x.items() if k != "ID"} for x in rules]
            """);
        if (r is not { } result)
        {
            return;
        }
        var ids = result.GetProperty("ids").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.False(string.IsNullOrEmpty(ids[0]));
        Assert.True(ids[0]!.Length <= 255);
        Assert.Equal("mine", ids[1]);
        Assert.True(result.GetProperty("stable").GetBoolean());
        Assert.True(result.GetProperty("rest").GetBoolean());
    }
}
