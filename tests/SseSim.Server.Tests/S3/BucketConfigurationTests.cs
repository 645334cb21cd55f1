namespace SseSim.Server.Tests.S3;

/// <summary>
/// Public access block, CORS and lifecycle configurations through boto3: stored, returned, deleted and validated as
/// on AWS (not enforced, README), with AWS's 404 codes once there is none.
/// </summary>
[Collection("S3")]
public sealed class BucketConfigurationTests(ServerFixture server)
{
    [Fact]
    public async Task Public_access_block_is_on_for_a_new_bucket_can_be_changed_and_deleted_and_blocks_public_policies()
    {
        var r = await server.RunBoto3Async("""
            out["new"] = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
            public = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % bucket}]})
            out["publicBlocked"] = error(s3.put_bucket_policy, Bucket=bucket, Policy=public)
            out["noPolicy"] = error(s3.get_bucket_policy, Bucket=bucket)
            s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicAcls": True, "BlockPublicPolicy": False})
            out["changed"] = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
            out["publicAllowed"] = error(s3.put_bucket_policy, Bucket=bucket, Policy=public)
            out["empty"] = error(s3.put_public_access_block, Bucket=bucket, PublicAccessBlockConfiguration={})
            out["delete"] = s3.delete_public_access_block(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"]
            out["deleted"] = error(s3.get_public_access_block, Bucket=bucket)
            out["absentBucket"] = error(s3.get_public_access_block, Bucket=bucket + "-absent")
            """);
        if (r is not { } result)
        {
            return;
        }
        var fresh = result.GetProperty("new");
        foreach (var name in new[] { "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets" })
        {
            Assert.True(fresh.GetProperty(name).GetBoolean(), name);
        }
        Assert.Equal("AccessDenied 403", result.Outcome("publicBlocked"));
        Assert.Equal("NoSuchBucketPolicy 404", result.Outcome("noPolicy"));
        var changed = result.GetProperty("changed");
        Assert.True(changed.GetProperty("BlockPublicAcls").GetBoolean());
        Assert.False(changed.GetProperty("BlockPublicPolicy").GetBoolean());
        Assert.False(changed.GetProperty("IgnorePublicAcls").GetBoolean());
        Assert.Equal("ok", result.Outcome("publicAllowed"));
        Assert.Equal("InvalidRequest 400", result.Outcome("empty"));
        Assert.Equal(204, result.GetProperty("delete").GetInt32());
        Assert.Equal("NoSuchPublicAccessBlockConfiguration 404", result.Outcome("deleted"));
        Assert.Equal("NoSuchBucket 404", result.Outcome("absentBucket"));
    }

    [Fact]
    public async Task Cors_is_stored_returned_validated_and_deleted()
    {
        var r = await server.RunBoto3Async("""
            out["none"] = error(s3.get_bucket_cors, Bucket=bucket)
            rules = [{"ID": "web", "AllowedHeaders": ["*"], "AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["https://example.com"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000},
                     {"AllowedMethods": ["HEAD"], "AllowedOrigins": ["*"]}]
            s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
            out["rules"] = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
            out["badMethod"] = error(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": [{"AllowedMethods": ["PATCH"], "AllowedOrigins": ["*"]}]})
            out["twoWildcards"] = error(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["https://*.*.example.com"]}]})
            out["noOrigin"] = error(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": []}]})
            none = {"Content-MD5": None, "x-amz-checksum-crc32": None, "x-amz-sdk-checksum-algorithm": None}
            out["noDigest"] = with_headers("PutBucketCors", none, s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": rules})
            out["wrongMd5"] = with_headers("PutBucketCors", dict(none, **{"Content-MD5": md5(b"x")}), s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": rules})
            out["unchanged"] = len(s3.get_bucket_cors(Bucket=bucket)["CORSRules"])
            out["delete"] = s3.delete_bucket_cors(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"]
            out["deleted"] = error(s3.get_bucket_cors, Bucket=bucket)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("NoSuchCORSConfiguration 404", result.Outcome("none"));
        var rules = result.GetProperty("rules");
        Assert.Equal(2, rules.GetArrayLength());
        Assert.Equal("web", rules[0].GetProperty("ID").GetString());
        Assert.Equal("[\"GET\", \"PUT\"]", rules[0].GetProperty("AllowedMethods").GetRawText());
        Assert.Equal("https://example.com", rules[0].GetProperty("AllowedOrigins")[0].GetString());
        Assert.Equal("ETag", rules[0].GetProperty("ExposeHeaders")[0].GetString());
        Assert.Equal(3000, rules[0].GetProperty("MaxAgeSeconds").GetInt32());
        Assert.Equal("[\"HEAD\"]", rules[1].GetProperty("AllowedMethods").GetRawText());
        Assert.Equal("InvalidRequest 400", result.Outcome("badMethod"));
        Assert.Equal("InvalidRequest 400", result.Outcome("twoWildcards"));
        Assert.Equal("MalformedXML 400", result.Outcome("noOrigin"));
        Assert.Equal("InvalidRequest 400", result.Outcome("noDigest"));
        Assert.Equal("BadDigest 400", result.Outcome("wrongMd5"));
        Assert.Equal(2, result.GetProperty("unchanged").GetInt32());
        Assert.Equal(204, result.GetProperty("delete").GetInt32());
        Assert.Equal("NoSuchCORSConfiguration 404", result.Outcome("deleted"));
    }

    [Fact]
    public async Task Lifecycle_is_stored_returned_validated_and_deleted()
    {
        var r = await server.RunBoto3Async("""
            out["none"] = error(s3.get_bucket_lifecycle_configuration, Bucket=bucket)
            rules = [{"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 30},
                      "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]},
                     {"ID": "uploads", "Status": "Disabled", "Filter": {"And": {"Prefix": "tmp/", "ObjectSizeGreaterThan": 1024}},
                      "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]
            put = s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
            out["putMinimum"] = put.get("TransitionDefaultMinimumObjectSize")
            got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
            out["rules"] = got["Rules"]
            out["getMinimum"] = got.get("TransitionDefaultMinimumObjectSize")
            def bad(rule):
                return error(s3.put_bucket_lifecycle_configuration, Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
            out["noAction"] = bad({"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""}})
            out["zeroDays"] = bad({"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 0}})
            out["earlyIa"] = bad({"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""}, "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]})
            out["badStatus"] = bad({"ID": "x", "Status": "On", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}})
            out["duplicateIds"] = error(s3.put_bucket_lifecycle_configuration, Bucket=bucket, LifecycleConfiguration={"Rules": [
                {"ID": "same", "Status": "Enabled", "Filter": {"Prefix": "a"}, "Expiration": {"Days": 1}},
                {"ID": "same", "Status": "Enabled", "Filter": {"Prefix": "b"}, "Expiration": {"Days": 1}}]})
            none = {"Content-MD5": None, "x-amz-checksum-crc32": None, "x-amz-sdk-checksum-algorithm": None}
            out["noDigest"] = with_headers("PutBucketLifecycleConfiguration", none, s3.put_bucket_lifecycle_configuration, Bucket=bucket, LifecycleConfiguration={"Rules": rules})
            out["unchanged"] = len(s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"])
            out["delete"] = s3.delete_bucket_lifecycle(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"]
            out["deleted"] = error(s3.get_bucket_lifecycle_configuration, Bucket=bucket)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("NoSuchLifecycleConfiguration 404", result.Outcome("none"));
        Assert.Equal("all_storage_classes_128K", result.GetProperty("putMinimum").GetString());
        Assert.Equal("all_storage_classes_128K", result.GetProperty("getMinimum").GetString());
        var rules = result.GetProperty("rules");
        Assert.Equal(2, rules.GetArrayLength());
        Assert.Equal("logs/", rules[0].GetProperty("Filter").GetProperty("Prefix").GetString());
        Assert.Equal(30, rules[0].GetProperty("Expiration").GetProperty("Days").GetInt32());
        Assert.Equal("STANDARD_IA", rules[0].GetProperty("Transitions")[0].GetProperty("StorageClass").GetString());
        Assert.Equal("Disabled", rules[1].GetProperty("Status").GetString());
        Assert.Equal(1024, rules[1].GetProperty("Filter").GetProperty("And").GetProperty("ObjectSizeGreaterThan").GetInt64());
        Assert.Equal(7, rules[1].GetProperty("AbortIncompleteMultipartUpload").GetProperty("DaysAfterInitiation").GetInt32());
        Assert.Equal("InvalidRequest 400", result.Outcome("noAction"));
        Assert.Equal("InvalidArgument 400", result.Outcome("zeroDays"));
        Assert.Equal("InvalidArgument 400", result.Outcome("earlyIa"));
        Assert.Equal("MalformedXML 400", result.Outcome("badStatus"));
        Assert.Equal("InvalidArgument 400", result.Outcome("duplicateIds"));
        Assert.Equal("InvalidRequest 400", result.Outcome("noDigest"));
        Assert.Equal(2, result.GetProperty("unchanged").GetInt32());
        Assert.Equal(204, result.GetProperty("delete").GetInt32());
        Assert.Equal("NoSuchLifecycleConfiguration 404", result.Outcome("deleted"));
    }
}
