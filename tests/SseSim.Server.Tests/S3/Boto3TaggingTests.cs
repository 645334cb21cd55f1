namespace SseSim.Server.Tests.S3;

/// <summary>boto3 as a subprocess: every tagging call a boto3 user makes, with errors checked by code and status.</summary>
[Collection("S3")]
public sealed class Boto3TaggingTests(ServerFixture server)
{
    private const string Script = S3Clients.Boto3Prelude + """
        import urllib.request
        from urllib.parse import quote, urlencode
        from botocore.auth import S3SigV4QueryAuth
        from botocore.awsrequest import AWSRequest

        def tags(key):
            return [[t["Key"], t["Value"]] for t in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]]

        key = "tagged/ü key"
        s3.put_object(Bucket=bucket, Key=key, Body=b"body", Tagging=urlencode({"team": "blue green", "cost": "4/2", "empty": ""}))
        out["put"] = tags(key)
        out["getCount"] = s3.get_object(Bucket=bucket, Key=key).get("TagCount")
        out["headCount"] = s3.head_object(Bucket=bucket, Key=key).get("TagCount")
        s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": [{"Key": "replaced", "Value": "yes"}]})
        out["replaced"] = tags(key)
        out["deleteStatus"] = s3.delete_object_tagging(Bucket=bucket, Key=key)["ResponseMetadata"]["HTTPStatusCode"]
        out["deleted"] = tags(key)
        out["untaggedHeadCount"] = s3.head_object(Bucket=bucket, Key=key).get("TagCount")

        s3.put_object(Bucket=bucket, Key="src", Body=b"src", Tagging="from=source")
        s3.copy_object(Bucket=bucket, Key="copied", CopySource={"Bucket": bucket, "Key": "src"})
        s3.copy_object(Bucket=bucket, Key="swapped", CopySource={"Bucket": bucket, "Key": "src"}, TaggingDirective="REPLACE", Tagging="to=dest")
        out["copied"], out["swapped"] = tags("copied"), tags("swapped")

        upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", Tagging="multi=part")
        part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload["UploadId"], PartNumber=1, Body=b"part")
        s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload["UploadId"],
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        out["multipart"] = tags("mp")

        # botocore signs x-amz-tagging as a header of the presigned URL; a presigner that hoists x-amz-* headers into the
        # signed query string puts it there instead, and S3 applies it from either place.
        v4 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=Config(signature_version="s3v4"))
        url = v4.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "presigned", "Tagging": "via=header"}, ExpiresIn=300)
        urllib.request.urlopen(urllib.request.Request(url, data=b"presigned", method="PUT", headers={"x-amz-tagging": "via=header"})).read()
        hoisted = AWSRequest(method="PUT", url=os.environ["SSESIM_ENDPOINT"] + "/" + bucket + "/hoisted?x-amz-tagging=" + quote("via=query&second=", safe=""))
        S3SigV4QueryAuth(boto3.Session().get_credentials(), "s3", "us-east-1", expires=300).add_auth(hoisted)
        urllib.request.urlopen(urllib.request.Request(hoisted.url, data=b"hoisted", method="PUT")).read()
        out["hoisted"] = tags("hoisted")
        out["presigned"] = tags("presigned")

        out["tooMany"] = error(s3.put_object_tagging, Bucket=bucket, Key="src",
                               Tagging={"TagSet": [{"Key": "k%d" % i, "Value": "v"} for i in range(11)]})
        out["awsPrefix"] = error(s3.put_object_tagging, Bucket=bucket, Key="src", Tagging={"TagSet": [{"Key": "aws:x", "Value": "v"}]})
        out["longKey"] = error(s3.put_object, Bucket=bucket, Key="long", Body=b"x", Tagging="k" * 129 + "=v")
        out["duplicate"] = error(s3.put_object, Bucket=bucket, Key="dup", Body=b"x", Tagging="a=1&a=2")
        out["noSuchKey"] = error(s3.get_object_tagging, Bucket=bucket, Key="missing")
        out["srcAfterErrors"] = tags("src")

        out["noTagSet"] = error(s3.get_bucket_tagging, Bucket=bucket)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "env", "Value": "test"}, {"Key": "app", "Value": "ssesim"}]})
        out["bucket"] = [[t["Key"], t["Value"]] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]]
        out["bucketDeleteStatus"] = s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"]
        out["bucketAfterDelete"] = error(s3.get_bucket_tagging, Bucket=bucket)
        print(json.dumps(out))
        """;

    [Fact]
    public async Task Object_and_bucket_tagging_with_boto3()
    {
        if (!S3Clients.PythonBoto3Available)
        {
            return;
        }
        var bucket = await server.NewBucketAsync();
        var r = S3Clients.Json(await server.RunPythonAsync(Script, bucket));
        string Pairs(string name) => string.Join(";", r.GetProperty(name).EnumerateArray().Select(p => p[0].GetString() + "=" + p[1].GetString()));
        string Error(string name) => string.Join(" ", r.GetProperty(name).EnumerateArray().Take(2).Select(e => e.ToString()));

        Assert.Equal("cost=4/2;empty=;team=blue green", Pairs("put"));
        Assert.Equal(3, r.GetProperty("getCount").GetInt32());
        Assert.Equal(3, r.GetProperty("headCount").GetInt32());
        Assert.Equal("replaced=yes", Pairs("replaced"));
        Assert.Equal(204, r.GetProperty("deleteStatus").GetInt32());
        Assert.Equal("", Pairs("deleted"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, r.GetProperty("untaggedHeadCount").ValueKind);
        Assert.Equal("from=source", Pairs("copied"));
        Assert.Equal("to=dest", Pairs("swapped"));
        Assert.Equal("multi=part", Pairs("multipart"));
        Assert.Equal("via=header", Pairs("presigned"));
        Assert.Equal("second=;via=query", Pairs("hoisted"));

        Assert.Equal("BadRequest 400", Error("tooMany"));
        Assert.Equal("Object tags cannot be greater than 10", r.GetProperty("tooMany")[2].GetString());
        Assert.Equal("InvalidTag 400", Error("awsPrefix"));
        Assert.Equal("InvalidTag 400", Error("longKey"));
        Assert.Equal("InvalidArgument 400", Error("duplicate"));
        Assert.Equal("NoSuchKey 404", Error("noSuchKey"));
        Assert.Equal("from=source", Pairs("srcAfterErrors"));

        Assert.Equal("NoSuchTagSet 404", Error("noTagSet"));
        Assert.Equal("app=ssesim;env=test", Pairs("bucket"));
        Assert.Equal(204, r.GetProperty("bucketDeleteStatus").GetInt32());
        Assert.Equal("NoSuchTagSet 404", Error("bucketAfterDelete"));
    }
}
