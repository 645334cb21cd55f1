namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class ListPartsTests(ServerFixture server)
{
    [Fact]
    public async Task NextPartNumberMarker_names_the_last_listed_part_or_0_and_empty_numbers_are_absent_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3Multipart::test_upload_part_copy_range (list-parts:
        // NextPartNumberMarker 3 on an untruncated page) and test_s3_list_operations.py
        // TestS3ListParts::test_list_parts_empty_part_number_marker (empty max-parts / part-number-marker accepted) and
        // ::test_list_parts_pagination (NextPartNumberMarker 0 before any part and past the last one).
        var r = await server.RunBoto3Async("""
            from botocore.config import Config as C
            loose = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=C(parameter_validation=False))
            up = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
            out["empty"] = s3.list_parts(Bucket=bucket, Key="k", UploadId=up).get("NextPartNumberMarker")
            for n in (1, 2):
                s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=n, Body=b"data")
            def page(**kwargs):
                p = loose.list_parts(Bucket=bucket, Key="k", UploadId=up, **kwargs)
                return [p["IsTruncated"], p.get("NextPartNumberMarker"), [x["PartNumber"] for x in p.get("Parts", [])]]
            out["first"] = page(MaxParts=1)
            out["last"] = page(MaxParts=1, PartNumberMarker=1)
            out["all"] = page()
            out["emptyMarker"] = page(PartNumberMarker="")
            out["emptyMax"] = page(MaxParts="")
            out["pastLast"] = page(MaxParts=1, PartNumberMarker=10)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal(0, result.GetProperty("empty").GetInt32());
        Assert.Equal("[true, 1, [1]]", result.GetProperty("first").GetRawText());
        Assert.Equal("[false, 2, [2]]", result.GetProperty("last").GetRawText());
        Assert.Equal("[false, 2, [1, 2]]", result.GetProperty("all").GetRawText());
        Assert.Equal("[false, 2, [1, 2]]", result.GetProperty("emptyMarker").GetRawText());
        Assert.Equal("[false, 2, [1, 2]]", result.GetProperty("emptyMax").GetRawText());
        Assert.Equal("[false, 0, []]", result.GetProperty("pastLast").GetRawText());
    }
}
