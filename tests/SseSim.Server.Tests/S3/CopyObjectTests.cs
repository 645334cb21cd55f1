using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class CopyObjectTests(ServerFixture server)
{
    [Fact]
    public async Task Sse_c_source_opens_with_the_copy_source_customer_key_headers()
    {
        var bucket = await server.NewBucketAsync();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "src",
            ContentBody = "customer data",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = key,
        });
        var withoutKey = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(bucket, "src", bucket, "dst"));
        Assert.Equal("InvalidRequest", withoutKey.ErrorCode);

        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "src",
            DestinationBucket = bucket,
            DestinationKey = "dst",
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = key,
        });
        using var got = await s3.GetObjectAsync(bucket, "dst");
        Assert.Equal(ServerSideEncryptionMethod.AES256, got.ServerSideEncryptionMethod);
        Assert.Equal("customer data", await new StreamReader(got.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Copy_reencrypts_with_target_settings_and_replaces_metadata()
    {
        var bucket = await server.NewBucketAsync();
        var keyId = await server.NewKmsKeyAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src dir/ü", ContentBody = "payload", Metadata = { ["m"] = "1" } });

        var copy = await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "src dir/ü",
            DestinationBucket = bucket,
            DestinationKey = "dst",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = keyId,
        });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, copy.ServerSideEncryptionMethod);
        var head = await s3.GetObjectMetadataAsync(bucket, "dst");
        Assert.Equal("1", head.Metadata["m"]);
        Assert.EndsWith(keyId, head.ServerSideEncryptionKeyManagementServiceKeyId, StringComparison.Ordinal);

        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "dst",
            DestinationBucket = bucket,
            DestinationKey = "dst2",
            MetadataDirective = S3MetadataDirective.REPLACE,
            Metadata = { ["m"] = "2" },
        });
        var replaced = await s3.GetObjectMetadataAsync(bucket, "dst2");
        Assert.Equal("2", replaced.Metadata["m"]);
        Assert.Equal(ServerSideEncryptionMethod.AES256, replaced.ServerSideEncryptionMethod);
        using var get = await s3.GetObjectAsync(bucket, "dst2");
        Assert.Equal("payload", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Copy_source_preconditions_fail_with_412_and_copy_to_itself_is_InvalidRequest()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "s", ContentBody = "x" });
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "s",
            DestinationBucket = bucket,
            DestinationKey = "d",
            ETagToMatch = "\"different\"",
        }));
        Assert.Equal(System.Net.HttpStatusCode.PreconditionFailed, e.StatusCode);
        var self = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(bucket, "s", bucket, "s"));
        Assert.Equal("InvalidRequest", self.ErrorCode);
    }

    [Fact]
    public async Task The_source_bucket_policy_applies_to_a_copy_and_copying_tags_needs_GetObjectTagging_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            source = bucket + "-src"
            s3.create_bucket(Bucket=source)
            s3.put_object(Bucket=source, Key="tagged", Body=b"t", Tagging="a=1")
            s3.put_object(Bucket=source, Key="plain", Body=b"p")
            s3.put_object(Bucket=source, Key="private/x", Body=b"x")
            s3.put_bucket_policy(Bucket=source, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObjectTagging", "Resource": "arn:aws:s3:::%s/*" % source},
                {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/private/*" % source}]}))
            def copy(key, target, **kwargs):
                return error(s3.copy_object, Bucket=bucket, Key=target, CopySource={"Bucket": source, "Key": key}, **kwargs)
            out["tagsCopied"] = copy("tagged", "t1")
            out["tagsCopiedExplicitly"] = copy("tagged", "t2", TaggingDirective="COPY")
            out["tagsReplaced"] = copy("tagged", "t3", TaggingDirective="REPLACE", Tagging="b=2")
            out["untaggedSource"] = copy("plain", "p1")
            out["privateSource"] = copy("private/x", "x1")
            upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
            out["partFromPrivate"] = error(s3.upload_part_copy, Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1,
                                           CopySource={"Bucket": source, "Key": "private/x"})
            out["partFromTagged"] = error(s3.upload_part_copy, Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1,
                                          CopySource={"Bucket": source, "Key": "tagged"})
            out["copied"] = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
            s3.delete_bucket_policy(Bucket=source)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("AccessDenied 403", result.Outcome("tagsCopied"));
        Assert.Equal("AccessDenied 403", result.Outcome("tagsCopiedExplicitly"));
        Assert.Equal("ok", result.Outcome("tagsReplaced"));
        Assert.Equal("ok", result.Outcome("untaggedSource"));
        Assert.Equal("AccessDenied 403", result.Outcome("privateSource"));
        Assert.Equal("AccessDenied 403", result.Outcome("partFromPrivate"));
        Assert.Equal("ok", result.Outcome("partFromTagged")); // a part takes no tags
        Assert.Equal(["p1", "t3"], result.GetProperty("copied").EnumerateArray().Select(k => k.GetString()));
    }
    [Fact]
    public async Task A_copy_keeps_the_source_checksum_algorithm_or_computes_the_one_named_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            def sha256(b):
                return base64.b64encode(hashlib.sha256(b).digest()).decode()
            def sha1(b):
                return base64.b64encode(hashlib.sha1(b).digest()).decode()
            data = b"copied bytes"
            s3.put_object(Bucket=bucket, Key="src", Body=data, ChecksumAlgorithm="SHA256")
            kept = s3.copy_object(Bucket=bucket, Key="kept", CopySource={"Bucket": bucket, "Key": "src"})["CopyObjectResult"]
            out["kept"] = [kept.get("ChecksumSHA256") == sha256(data), kept.get("ChecksumType")]
            head = s3.head_object(Bucket=bucket, Key="kept", ChecksumMode="ENABLED")
            out["keptHead"] = [head.get("ChecksumSHA256") == sha256(data), head.get("ChecksumType")]
            named = s3.copy_object(Bucket=bucket, Key="named", CopySource={"Bucket": bucket, "Key": "src"}, ChecksumAlgorithm="SHA1")["CopyObjectResult"]
            out["named"] = [named.get("ChecksumSHA1") == sha1(data), "ChecksumSHA256" in named]
            out["namedGet"] = s3.get_object(Bucket=bucket, Key="named", ChecksumMode="ENABLED").get("ChecksumSHA1") == sha1(data)
            # Copying an object onto itself with only a new checksum algorithm is a change S3 accepts.
            out["inPlace"] = error(s3.copy_object, Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"}, ChecksumAlgorithm="SHA1")
            out["inPlaceHead"] = s3.head_object(Bucket=bucket, Key="src", ChecksumMode="ENABLED").get("ChecksumSHA1") == sha1(data)
            out["unknown"] = error(s3.copy_object, Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "src"}, ChecksumAlgorithm="MD4")
            # A COMPOSITE multipart source: the copy is one part, so its checksum is the whole body's.
            part = os.urandom(5 * 1024 * 1024)
            up = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="SHA256")["UploadId"]
            sent = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up, PartNumber=1, Body=part, ChecksumAlgorithm="SHA256")
            s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up,
                MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": sent["ETag"], "ChecksumSHA256": sent["ChecksumSHA256"]}]})
            fromMp = s3.copy_object(Bucket=bucket, Key="fromMp", CopySource={"Bucket": bucket, "Key": "mp"})["CopyObjectResult"]
            out["fromMp"] = [fromMp.get("ChecksumSHA256") == sha256(part), fromMp.get("ChecksumType")]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[true, \"FULL_OBJECT\"]", result.GetProperty("kept").GetRawText());
        Assert.Equal("[true, \"FULL_OBJECT\"]", result.GetProperty("keptHead").GetRawText());
        Assert.Equal("[true, false]", result.GetProperty("named").GetRawText());
        Assert.True(result.GetProperty("namedGet").GetBoolean());
        Assert.Equal("ok", result.Outcome("inPlace"));
        Assert.True(result.GetProperty("inPlaceHead").GetBoolean());
        Assert.Equal("InvalidArgument 400", result.Outcome("unknown"));
        Assert.Equal("[true, \"FULL_OBJECT\"]", result.GetProperty("fromMp").GetRawText());
    }

    /// <summary>
    /// LocalStack's AWS recordings test_s3_copy_object_in_place_with_encryption and
    /// test_copy_in_place_with_bucket_encryption: a copy onto itself without any new field is legal when it changes the
    /// encryption (an SSE-KMS source becomes SSE-S3) and whenever the bucket has a default encryption configuration.
    /// </summary>
    [Fact]
    public async Task A_copy_onto_itself_is_legal_when_the_encryption_changes_or_the_bucket_has_a_default_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
            key = kms.create_key()["KeyMetadata"]["KeyId"]
            s3.put_object(Bucket=bucket, Key="kms", Body=b"test", ServerSideEncryption="aws:kms", SSEKMSKeyId=key, BucketKeyEnabled=True)
            self_copy = lambda k: s3.copy_object(Bucket=bucket, Key=k, CopySource={"Bucket": bucket, "Key": k})
            copied = self_copy("kms")
            out["kmsToS3"] = [copied.get("ServerSideEncryption"), "SSEKMSKeyId" in copied, "BucketKeyEnabled" in copied]
            head = s3.head_object(Bucket=bucket, Key="kms")
            out["kmsHead"] = [head.get("ServerSideEncryption"), "SSEKMSKeyId" in head]
            out["s3Again"] = error(lambda: self_copy("kms"))
            s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]})
            s3.put_object(Bucket=bucket, Key="enc", Body=b"")
            out["withDefault"] = self_copy("enc")["ServerSideEncryption"]
            s3.delete_bucket_encryption(Bucket=bucket)
            out["defaultDeleted"] = error(lambda: self_copy("enc"))
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("""["AES256",false,false]""", result.GetProperty("kmsToS3").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("""["AES256",false]""", result.GetProperty("kmsHead").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("InvalidRequest 400", result.Outcome("s3Again"));
        Assert.Equal("AES256", result.GetProperty("withDefault").GetString());
        Assert.Equal("InvalidRequest 400", result.Outcome("defaultDeleted"));
    }

    [Fact]
    public async Task A_copy_of_an_object_uploaded_without_a_checksum_has_S3s_default_crc64nvme_with_boto3()
    {
        var r = await server.RunBoto3Async(S3Clients.PlainClientPrelude + """
            def checksums(response):
                return " ".join(f"{k}={v}" for k, v in sorted(response.items()) if k.startswith("Checksum"))
            data = b"copied without a checksum"
            plain.put_object(Bucket=bucket, Key="src", Body=data)
            out["expected"] = crc64nvme(data)
            out["copy"] = checksums(plain.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "src"})["CopyObjectResult"])
            out["head"] = checksums(plain.head_object(Bucket=bucket, Key="copy", ChecksumMode="ENABLED"))
            # A part copied into an upload created without an algorithm answers no checksum, as UploadPart does.
            up = plain.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
            out["part"] = checksums(plain.upload_part_copy(Bucket=bucket, Key="mp", UploadId=up, PartNumber=1,
                                                           CopySource={"Bucket": bucket, "Key": "src"})["CopyPartResult"])
            plain.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId=up)
            out["sent"] = " ".join(sent_checksums)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("", result.GetProperty("sent").GetString());
        var expected = $"ChecksumCRC64NVME={result.GetProperty("expected").GetString()} ChecksumType=FULL_OBJECT";
        Assert.Equal(expected, result.GetProperty("copy").GetString());
        Assert.Equal(expected, result.GetProperty("head").GetString());
        Assert.Equal("", result.GetProperty("part").GetString());
    }

    /// <summary>
    /// minio/mint's awscli test_copy_object_storage_class(_same): a copy with x-amz-storage-class, also onto itself, and
    /// HEAD/list reporting the class (docs/formats/s3-metadata-records.md#storageclass).
    /// </summary>
    [Fact]
    public async Task Boto3_storage_class_is_set_by_put_and_copy_and_reported()
    {
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"abc")
            out["plainHead"] = s3.head_object(Bucket=bucket, Key="k").get("StorageClass")
            copied = s3.copy_object(Bucket=bucket, Key="k2", CopySource={"Bucket": bucket, "Key": "k"}, StorageClass="REDUCED_REDUNDANCY")
            out["copyEtag"] = copied["CopyObjectResult"]["ETag"]
            out["copyHead"] = s3.head_object(Bucket=bucket, Key="k2").get("StorageClass")
            s3.copy_object(Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"}, StorageClass="STANDARD_IA")
            out["selfHead"] = s3.get_object(Bucket=bucket, Key="k").get("StorageClass")
            # Naming a class makes a copy onto itself legal even when it is the same (LocalStack's AWS recording
            # test_s3_copy_object_in_place_storage_class); leaving it out, which would make it STANDARD, does not.
            out["selfSame"] = error(s3.copy_object, Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"}, StorageClass="STANDARD_IA")
            out["selfImplicit"] = error(s3.copy_object, Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"})
            s3.copy_object(Bucket=bucket, Key="k3", CopySource={"Bucket": bucket, "Key": "k"})
            out["list"] = [(o["Key"], o["StorageClass"]) for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
            s3.put_object(Bucket=bucket, Key="p", Body=b"x", StorageClass="ONEZONE_IA")
            out["putHead"] = s3.head_object(Bucket=bucket, Key="p").get("StorageClass")
            out["invalid"] = error(s3.put_object, Bucket=bucket, Key="bad", Body=b"x", StorageClass="EXPRESS_ONEZONE")
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("plainHead").ValueKind);
        Assert.Equal("\"900150983cd24fb0d6963f7d28e17f72\"", result.GetProperty("copyEtag").GetString());
        Assert.Equal("REDUCED_REDUNDANCY", result.GetProperty("copyHead").GetString());
        Assert.Equal("STANDARD_IA", result.GetProperty("selfHead").GetString());
        Assert.Equal("ok", result.Outcome("selfSame"));
        Assert.Equal("InvalidRequest 400", result.Outcome("selfImplicit"));
        Assert.Equal("""[["k","STANDARD_IA"],["k2","REDUCED_REDUNDANCY"],["k3","STANDARD"]]""", result.GetProperty("list").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("ONEZONE_IA", result.GetProperty("putHead").GetString());
        Assert.Equal("InvalidStorageClass 400", result.Outcome("invalid"));
    }

    [Fact]
    public async Task Copy_source_preconditions_name_the_failing_header_and_ignore_a_future_If_Modified_Since_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_preconditions.py TestS3CopySourcePreconditions::test_s3_copy_object_preconditions.
        var r = await server.RunBoto3Async("""
            import datetime
            etag = s3.put_object(Bucket=bucket, Key="src", Body=b"data")["ETag"]
            now = datetime.datetime.now(datetime.timezone.utc)
            yesterday = now - datetime.timedelta(days=1)
            def condition(**kwargs):
                try:
                    s3.copy_object(Bucket=bucket, Key="dst", CopySource=bucket + "/src", **kwargs)
                    return "ok"
                except ClientError as e:
                    return e.response["Error"]["Code"] + " " + str(e.response["Error"].get("Condition"))
            out["ifMatch"] = condition(CopySourceIfModifiedSince=now, CopySourceIfUnmodifiedSince=yesterday, CopySourceIfMatch="etag123", CopySourceIfNoneMatch=etag)
            out["ifUnmodifiedSince"] = condition(CopySourceIfModifiedSince=now, CopySourceIfUnmodifiedSince=yesterday, CopySourceIfNoneMatch=etag)
            out["ifNoneMatch"] = condition(CopySourceIfModifiedSince=now, CopySourceIfNoneMatch=etag.strip('"'))
            out["ifModifiedSince"] = condition(CopySourceIfModifiedSince=now)
            out["future"] = condition(CopySourceIfModifiedSince=now + datetime.timedelta(days=1))
            out["all"] = condition(CopySourceIfMatch=etag.strip('"'), CopySourceIfNoneMatch="etag123", CopySourceIfModifiedSince=yesterday, CopySourceIfUnmodifiedSince=now)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("PreconditionFailed x-amz-copy-source-If-Match", result.GetProperty("ifMatch").GetString());
        Assert.Equal("PreconditionFailed x-amz-copy-source-If-Unmodified-Since", result.GetProperty("ifUnmodifiedSince").GetString());
        Assert.Equal("PreconditionFailed x-amz-copy-source-If-None-Match", result.GetProperty("ifNoneMatch").GetString());
        Assert.Equal("PreconditionFailed x-amz-copy-source-If-Modified-Since", result.GetProperty("ifModifiedSince").GetString());
        Assert.Equal("ok", result.GetProperty("future").GetString());
        Assert.Equal("ok", result.GetProperty("all").GetString());
    }

    [Fact]
    public async Task Website_redirect_location_is_kept_returned_and_makes_a_copy_onto_itself_legal_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3.py TestS3::test_s3_copy_object_in_place_website_redirect_location (PutObject
        // keeps WebsiteRedirectLocation, HEAD returns it, a copy onto itself naming it, even unchanged, is allowed). A
        // copy takes the request's redirect, never the source's (CopyObject API reference).
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"test", WebsiteRedirectLocation="/test/direct")
            out["head"] = s3.head_object(Bucket=bucket, Key="k").get("WebsiteRedirectLocation")
            out["get"] = s3.get_object(Bucket=bucket, Key="k").get("WebsiteRedirectLocation")
            out["inPlace"] = error(s3.copy_object, Bucket=bucket, Key="k", CopySource=f"{bucket}/k", WebsiteRedirectLocation="/test/direct")
            out["after"] = s3.head_object(Bucket=bucket, Key="k").get("WebsiteRedirectLocation")
            s3.copy_object(Bucket=bucket, Key="plain", CopySource=f"{bucket}/k")
            out["copied"] = s3.head_object(Bucket=bucket, Key="plain").get("WebsiteRedirectLocation")
            s3.copy_object(Bucket=bucket, Key="other", CopySource=f"{bucket}/k", WebsiteRedirectLocation="https://example.com/")
            out["other"] = s3.head_object(Bucket=bucket, Key="other").get("WebsiteRedirectLocation")
            u = s3.create_multipart_upload(Bucket=bucket, Key="mpu", WebsiteRedirectLocation="/mpu")["UploadId"]
            p = s3.upload_part(Bucket=bucket, Key="mpu", UploadId=u, PartNumber=1, Body=b"x")
            s3.complete_multipart_upload(Bucket=bucket, Key="mpu", UploadId=u, MultipartUpload={"Parts": [{"ETag": p["ETag"], "PartNumber": 1}]})
            out["mpu"] = s3.head_object(Bucket=bucket, Key="mpu").get("WebsiteRedirectLocation")
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("/test/direct", result.GetProperty("head").GetString());
        Assert.Equal("/test/direct", result.GetProperty("get").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("inPlace").ValueKind);
        Assert.Equal("/test/direct", result.GetProperty("after").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("copied").ValueKind);
        Assert.Equal("https://example.com/", result.GetProperty("other").GetString());
        Assert.Equal("/mpu", result.GetProperty("mpu").GetString());
    }

    [Fact]
    public async Task Copies_to_and_from_dsse_kms_reencrypt_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
            key = kms.create_key(Description="dsse copy")["KeyMetadata"]
            data = os.urandom(100_000)
            s3.put_object(Bucket=bucket, Key="src", Body=data)
            to = s3.copy_object(Bucket=bucket, Key="dsse", CopySource={"Bucket": bucket, "Key": "src"}, ServerSideEncryption="aws:kms:dsse", SSEKMSKeyId=key["Arn"])
            out["to"] = [to["ServerSideEncryption"], to["SSEKMSKeyId"] == key["Arn"]]
            back = s3.copy_object(Bucket=bucket, Key="kms", CopySource={"Bucket": bucket, "Key": "dsse"}, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"])
            out["back"] = back["ServerSideEncryption"]
            plain = s3.copy_object(Bucket=bucket, Key="plain", CopySource={"Bucket": bucket, "Key": "dsse"})
            out["plain"] = plain["ServerSideEncryption"]
            out["same"] = [s3.get_object(Bucket=bucket, Key=k)["Body"].read() == data for k in ["dsse", "kms", "plain"]]
            out["head"] = s3.head_object(Bucket=bucket, Key="dsse")["ServerSideEncryption"]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[\"aws:kms:dsse\", true]", result.GetProperty("to").GetRawText());
        Assert.Equal("aws:kms", result.GetProperty("back").GetString());
        Assert.Equal("AES256", result.GetProperty("plain").GetString());
        Assert.Equal("[true, true, true]", result.GetProperty("same").GetRawText());
        Assert.Equal("aws:kms:dsse", result.GetProperty("head").GetString());
    }
}
