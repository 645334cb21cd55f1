namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class ListBucketsTests(ServerFixture server)
{
    [Fact]
    public async Task Prefix_bucket_region_max_buckets_and_continuation_token_page_the_listing_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_list_operations.py TestS3ListBuckets: max-buckets pages with a
        // ContinuationToken (test_list_buckets_with_max_buckets, _with_continuation_token), an empty token is the first
        // page (_when_continuation_token_is_empty), the prefix is case-sensitive and echoed
        // (_by_prefix_with_case_sensitivity), bucket-region filters (_by_bucket_region) and must be a Region
        // (_region_validation).
        var r = await server.RunBoto3Async("""
            names = [bucket + "-" + s for s in ("a", "b", "c")]
            for n in names:
                s3.create_bucket(Bucket=n)
            s3.create_bucket(Bucket=bucket + "-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
            def page(**kw):
                p = s3.list_buckets(Prefix=bucket + "-", **kw)
                return [[b["Name"][len(bucket):] for b in p["Buckets"]], "ContinuationToken" in p, p.get("Prefix") == bucket + "-"]
            out["all"] = page()
            first = s3.list_buckets(Prefix=bucket + "-", MaxBuckets=2)
            out["first"] = [b["Name"][len(bucket):] for b in first["Buckets"]]
            out["second"] = page(MaxBuckets=2, ContinuationToken=first["ContinuationToken"])
            out["emptyToken"] = page(MaxBuckets=1, ContinuationToken="")
            out["region"] = page(BucketRegion="eu-west-1")
            out["upper"] = [len(s3.list_buckets(Prefix=bucket.upper())["Buckets"])]
            out["unprefixed"] = "Prefix" in s3.list_buckets(MaxBuckets=1)
            try:
                s3.list_buckets(BucketRegion="eu-east-1")
                out["badRegion"] = None
            except ClientError as e:
                err = e.response["Error"]
                out["badRegion"] = [err["Code"], err["Message"], err.get("ArgumentName"), "ArgumentValue" in err, e.response["ResponseMetadata"]["HTTPStatusCode"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[[\"-a\", \"-b\", \"-c\", \"-eu\"], false, true]", result.GetProperty("all").GetRawText());
        Assert.Equal("[\"-a\", \"-b\"]", result.GetProperty("first").GetRawText());
        Assert.Equal("[[\"-c\", \"-eu\"], false, true]", result.GetProperty("second").GetRawText());
        Assert.Equal("[[\"-a\"], true, true]", result.GetProperty("emptyToken").GetRawText());
        Assert.Equal("[[\"-eu\"], false, true]", result.GetProperty("region").GetRawText());
        Assert.Equal("[0]", result.GetProperty("upper").GetRawText());
        Assert.False(result.GetProperty("unprefixed").GetBoolean());
        Assert.Equal("[\"InvalidArgument\", \"Argument value eu-east-1 is not a valid AWS Region\", \"bucket-region\", false, 400]", result.GetProperty("badRegion").GetRawText());
    }

    /// <summary>
    /// S3 stopped returning Owner DisplayName on 2025-11-21 in every Region (the Owner data type's end-of-support
    /// notice in the S3 API reference): owners, initiators and grantees carry their canonical ID only.
    /// </summary>
    [Fact]
    public async Task Owners_initiators_and_grantees_carry_no_DisplayName_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"x")
            upload = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
            s3.upload_part(Bucket=bucket, Key="m", UploadId=upload, PartNumber=1, Body=b"p")
            acl = s3.get_bucket_acl(Bucket=bucket)
            owners = {
                "ListBuckets": s3.list_buckets()["Owner"],
                "ListObjects": s3.list_objects(Bucket=bucket)["Contents"][0]["Owner"],
                "ListObjectsV2": s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"][0]["Owner"],
                "ListObjectVersions": s3.list_object_versions(Bucket=bucket)["Versions"][0]["Owner"],
                "ListMultipartUploads": s3.list_multipart_uploads(Bucket=bucket)["Uploads"][0]["Initiator"],
                "ListParts": s3.list_parts(Bucket=bucket, Key="m", UploadId=upload)["Owner"],
                "GetBucketAcl": acl["Owner"],
                "GetBucketAclGrantee": acl["Grants"][0]["Grantee"],
                "GetObjectAcl": s3.get_object_acl(Bucket=bucket, Key="k")["Owner"],
            }
            out["owners"] = {name: sorted(k for k in o if k != "Type") for name, o in owners.items()}
            """);
        if (r is not { } result)
        {
            return;
        }
        foreach (var owner in result.GetProperty("owners").EnumerateObject())
        {
            Assert.True(owner.Value.GetRawText() == "[\"ID\"]", $"{owner.Name}: {owner.Value.GetRawText()}");
        }
        Assert.Equal(9, result.GetProperty("owners").EnumerateObject().Count());
    }

    [Fact]
    public async Task ListBuckets_entries_carry_the_bucket_region_and_arn_with_boto3()
    {
        // Against AWS, ListBuckets entries for general purpose buckets carry BucketArn (arn:aws:s3:::name) beside
        // BucketRegion, matching CreateBucket's and HeadBucket's x-amz-bucket-arn.
        var r = await server.RunBoto3Async("""
            entry = [b for b in s3.list_buckets()["Buckets"] if b["Name"] == bucket][0]
            out["entry"] = [entry.get("BucketRegion"), entry.get("BucketArn")]
            out["bucket"] = bucket
            """);
        if (r is not { } result)
        {
            return;
        }
        var bucket = result.GetProperty("bucket").GetString();
        Assert.Equal($"[\"us-east-1\", \"arn:aws:s3:::{bucket}\"]", result.GetProperty("entry").GetRawText());
    }
}
