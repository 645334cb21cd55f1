namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class PutObjectAclTests(ServerFixture server)
{
    [Fact]
    public async Task On_a_delete_marker_PutObjectAcl_is_405_for_PUT_and_GetObjectAcl_of_the_current_one_NoSuchKey_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3.py TestS3::test_put_object_acl_on_delete_marker.
        var r = await server.RunBoto3Async("""
            def failure(call, **kw):
                try:
                    call(Bucket=bucket, Key="k", **kw)
                    return None
                except ClientError as e:
                    err = e.response["Error"]
                    return [e.response["ResponseMetadata"]["HTTPStatusCode"], err["Code"], err.get("Method"), err.get("ResourceType")]
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            s3.put_object(Bucket=bucket, Key="k", Body=b"x")
            marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
            out["putCurrent"] = failure(s3.put_object_acl, ACL="private")
            out["getCurrent"] = failure(s3.get_object_acl)
            out["putById"] = failure(s3.put_object_acl, ACL="private", VersionId=marker)
            out["getById"] = failure(s3.get_object_acl, VersionId=marker)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[405, \"MethodNotAllowed\", \"PUT\", \"DeleteMarker\"]", result.GetProperty("putCurrent").GetRawText());
        Assert.Equal("[404, \"NoSuchKey\", null, null]", result.GetProperty("getCurrent").GetRawText());
        Assert.Equal("[405, \"MethodNotAllowed\", \"PUT\", \"DeleteMarker\"]", result.GetProperty("putById").GetRawText());
        Assert.Equal("[405, \"MethodNotAllowed\", \"GET\", \"DeleteMarker\"]", result.GetProperty("getById").GetRawText());
    }
}
