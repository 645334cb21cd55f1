using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>ACLs disabled, as on every new AWS bucket (Object Ownership BucketOwnerEnforced): GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl and ACL headers on writes.</summary>
[Collection("S3")]
public sealed class BucketOwnerEnforcedTests(ServerFixture server)
{
    [Fact]
    public async Task Reading_an_ACL_shows_the_owner_with_full_control()
    {
        using var s3 = server.S3();
        var bucket = await server.NewBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });

        var bucketAcl = await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        var objectAcl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        foreach (var (owner, grants) in new[] { (bucketAcl.Owner, bucketAcl.Grants), (objectAcl.Owner, objectAcl.Grants) })
        {
            var grant = Assert.Single(grants);
            Assert.Equal(S3Permission.FULL_CONTROL, grant.Permission);
            Assert.Equal(GranteeType.CanonicalUser, grant.Grantee.Type);
            Assert.Equal(64, owner.Id.Length);
            Assert.Equal(owner.Id, grant.Grantee.CanonicalUser);
        }
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "absent" }));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
        var noBucket = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = S3Clients.NewBucketName() }));
        Assert.Equal("NoSuchBucket", noBucket.ErrorCode);
    }

    [Fact]
    public async Task Writes_with_an_ACL_beyond_the_owner_fail_and_store_nothing()
    {
        using var s3 = server.S3();
        var bucket = await server.NewBucketAsync();

        var put = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "public", ContentBody = "x", CannedACL = S3CannedACL.PublicRead }));
        Assert.Equal("AccessControlListNotSupported", put.ErrorCode);
        Assert.Equal(400, (int)put.StatusCode);
        var absent = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "public"));
        Assert.Equal(404, (int)absent.StatusCode);

        var upload = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "m", CannedACL = S3CannedACL.AuthenticatedRead }));
        Assert.Equal("AccessControlListNotSupported", upload.ErrorCode);

        // The owner-only canned ACLs restate what ACL-less objects already have, so they pass.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "owned", ContentBody = "x", CannedACL = S3CannedACL.BucketOwnerFullControl });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "private", ContentBody = "x", CannedACL = S3CannedACL.Private });
        var copy = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "owned",
            DestinationBucket = bucket,
            DestinationKey = "copy",
            CannedACL = S3CannedACL.PublicReadWrite,
        }));
        Assert.Equal("AccessControlListNotSupported", copy.ErrorCode);

        var putAcl = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "owned", ACL = S3CannedACL.PublicRead }));
        Assert.Equal("AccessControlListNotSupported", putAcl.ErrorCode);
        await s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "owned", ACL = S3CannedACL.BucketOwnerFullControl });
        var bucketAcl = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicRead }));
        Assert.Equal("AccessControlListNotSupported", bucketAcl.ErrorCode);
        await s3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.Private });
    }

    [Fact]
    public async Task CreateBucket_with_a_public_ACL_fails_with_the_ownership_error()
    {
        using var s3 = server.S3();
        var name = S3Clients.NewBucketName();
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketAsync(new PutBucketRequest { BucketName = name, CannedACL = S3CannedACL.PublicRead }));
        Assert.Equal("InvalidBucketAclWithObjectOwnership", e.ErrorCode);
        var head = await RawS3.SendAsync(server, HttpMethod.Head, "/" + name);
        Assert.Equal(404, (int)head.StatusCode);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = name, CannedACL = S3CannedACL.Private });
    }

    private const string Script = """
        import json, os, sys, boto3
        from botocore.config import Config
        from botocore.exceptions import ClientError
        s3 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=Config(retries={"max_attempts": 1}))
        bucket = sys.argv[1]
        acl = s3.get_bucket_acl(Bucket=bucket)
        owner = acl["Owner"]["ID"]
        def code(call):
            try:
                call()
                return "ok"
            except ClientError as e:
                return e.response["Error"]["Code"]
        own = {"Owner": {"ID": owner}, "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": owner}, "Permission": "FULL_CONTROL"}]}
        public = {"Owner": {"ID": owner}, "Grants": own["Grants"] + [{"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}]}
        print(json.dumps({"grants": acl["Grants"], "owner": owner,
                          "own": code(lambda: s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy=own)),
                          "public": code(lambda: s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy=public)),
                          "grantRead": code(lambda: s3.put_object(Bucket=bucket, Key="g", Body=b"x", GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"')),
                          "grantOwner": code(lambda: s3.put_object(Bucket=bucket, Key="o", Body=b"x", GrantFullControl=f'id="{owner}"'))}))
        """;

    [Fact]
    public async Task Boto3_sees_ACL_documents_and_errors_as_on_AWS()
    {
        if (!S3Clients.PythonBoto3Available)
        {
            return;
        }
        var bucket = await server.NewBucketAsync();
        var result = S3Clients.Json(await server.RunPythonAsync(Script, bucket));
        var grant = Assert.Single(result.GetProperty("grants").EnumerateArray());
        Assert.Equal("FULL_CONTROL", grant.GetProperty("Permission").GetString());
        Assert.Equal(result.GetProperty("owner").GetString(), grant.GetProperty("Grantee").GetProperty("ID").GetString());
        Assert.Equal("ok", result.GetProperty("own").GetString());
        Assert.Equal("AccessControlListNotSupported", result.GetProperty("public").GetString());
        Assert.Equal("AccessControlListNotSupported", result.GetProperty("grantRead").GetString());
        Assert.Equal("ok", result.GetProperty("grantOwner").GetString());
    }
}
