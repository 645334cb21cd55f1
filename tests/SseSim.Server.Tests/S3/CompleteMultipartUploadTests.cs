using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>CompleteMultipartUpload through boto3: conditional writes (If-None-Match / If-Match) and the body's digests.</summary>
[Collection("S3")]
public sealed class CompleteMultipartUploadTests(ServerFixture server)
{
    [Fact]
    public async Task A_retried_complete_answers_the_same_result_while_its_object_is_current_with_boto3()
    {
        // S3 answers a repeated CompleteMultipartUpload (a client retrying after a lost response) with the same
        // result instead of NoSuchUpload; once the key holds another object the upload is gone for good.
        var r = await server.RunBoto3Async("""
            def complete():
                up = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
                etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up, PartNumber=1, Body=b"abc")["ETag"]
                parts = {"Parts": [{"ETag": etag, "PartNumber": 1}]}
                return up, parts, s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up, MultipartUpload=parts)
            up, parts, first = complete()
            again = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up, MultipartUpload=parts)
            out["same"] = [first["ETag"], again["ETag"], again["ResponseMetadata"]["HTTPStatusCode"]]
            out["body"] = s3.get_object(Bucket=bucket, Key="mp")["Body"].read().decode()
            s3.put_object(Bucket=bucket, Key="mp", Body=b"replaced")
            out["replaced"] = error(s3.complete_multipart_upload, Bucket=bucket, Key="mp", UploadId=up, MultipartUpload=parts)
            out["otherKey"] = error(s3.complete_multipart_upload, Bucket=bucket, Key="other", UploadId=up, MultipartUpload=parts)
            """);
        if (r is not { } result)
        {
            return;
        }
        var same = result.GetProperty("same");
        Assert.Equal(same[0].GetString(), same[1].GetString());
        Assert.Equal(200, same[2].GetInt32());
        Assert.Equal("abc", result.GetProperty("body").GetString());
        Assert.Equal("NoSuchUpload 404", result.Outcome("replaced"));
        Assert.Equal("NoSuchUpload 404", result.Outcome("otherKey"));
    }

    /// <summary>
    /// The errors as LocalStack's AWS recordings show them (test_s3.py: test_multipart_no_such_upload,
    /// test_multipart_complete_multipart_too_small, test_multipart_complete_multipart_wrong_part,
    /// test_complete_multipart_parts_order): members, wording, and NoSuchUpload before anything about the body.
    /// </summary>
    [Fact]
    public async Task Complete_errors_carry_S3s_members_and_wording_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            def full(call, **kwargs):
                try:
                    call(**kwargs)
                    return None
                except ClientError as e:
                    return {k: v for k, v in e.response["Error"].items() if k != "UploadId"} | {"hasUploadId": "UploadId" in e.response["Error"]}
            out["fake"] = error(s3.complete_multipart_upload, Bucket=bucket, Key="f", UploadId="fakeid")
            up = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
            parts = [{"ETag": s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=n, Body=b"data")["ETag"], "PartNumber": n} for n in (1, 2)]
            out["noBody"] = error(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=up)
            out["tooSmall"] = full(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=up, MultipartUpload={"Parts": parts})
            out["wrongNumber"] = full(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=up,
                                      MultipartUpload={"Parts": [{"ETag": parts[0]["ETag"], "PartNumber": 3}]})
            out["unordered"] = full(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=up, MultipartUpload={"Parts": parts[::-1]})
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("NoSuchUpload 404", result.Outcome("fake"));
        Assert.Equal("""["InvalidRequest",400,"You must specify at least one part"]""", result.GetProperty("noBody").GetRawText().Replace(", ", ",", StringComparison.Ordinal));
        var tooSmall = result.GetProperty("tooSmall");
        Assert.Equal("Your proposed upload is smaller than the minimum allowed size", tooSmall.GetProperty("Message").GetString());
        Assert.Equal(("4", "5242880", "1", "8d777f385d3dfec8815d20f7496026dc"), (tooSmall.GetProperty("ProposedSize").GetString(),
            tooSmall.GetProperty("MinSizeAllowed").GetString(), tooSmall.GetProperty("PartNumber").GetString(), tooSmall.GetProperty("ETag").GetString()));
        var wrong = result.GetProperty("wrongNumber");
        Assert.Equal("One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
            wrong.GetProperty("Message").GetString());
        Assert.Equal(("InvalidPart", "3", "8d777f385d3dfec8815d20f7496026dc", true), (wrong.GetProperty("Code").GetString(),
            wrong.GetProperty("PartNumber").GetString(), wrong.GetProperty("ETag").GetString(), wrong.GetProperty("hasUploadId").GetBoolean()));
        var unordered = result.GetProperty("unordered");
        Assert.Equal(("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", true),
            (unordered.GetProperty("Code").GetString(), unordered.GetProperty("Message").GetString(), unordered.GetProperty("hasUploadId").GetBoolean()));
    }

    /// <summary>
    /// LocalStack's AWS recording test_s3_api.py TestS3ObjectWritePrecondition::test_multipart_if_none_match_with_delete:
    /// an object deleted while an upload to its key was open makes that upload's If-None-Match complete a 409
    /// ConditionalRequestConflict; a new upload then completes.
    /// </summary>
    [Fact]
    public async Task If_none_match_complete_after_a_delete_during_the_upload_is_ConditionalRequestConflict_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            def details(call, **kwargs):
                try:
                    call(**kwargs)
                    return "ok"
                except ClientError as e:
                    err = e.response["Error"]
                    return [e.response["ResponseMetadata"]["HTTPStatusCode"]] + [err.get(k) for k in ("Code", "Condition", "Key", "Message")]
            def upload(key):
                upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
                etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=b"test")["ETag"]
                return dict(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
            s3.put_object(Bucket=bucket, Key="k", IfNoneMatch="*")
            first = upload("k")
            out["exists"] = details(s3.complete_multipart_upload, IfNoneMatch="*", **first)
            s3.delete_object(Bucket=bucket, Key="k")
            out["afterDelete"] = details(s3.complete_multipart_upload, IfNoneMatch="*", **first)
            out["restart"] = details(s3.complete_multipart_upload, IfNoneMatch="*", **upload("k"))
            # Without the condition the same situation is no conflict.
            s3.put_object(Bucket=bucket, Key="u", Body=b"x")
            plain = upload("u")
            s3.delete_object(Bucket=bucket, Key="u")
            out["unconditional"] = details(s3.complete_multipart_upload, **plain)
            """);
        if (r is not { } result)
        {
            return;
        }
        static string Fields(JsonElement e) => string.Join("|", e.EnumerateArray().Select(v => v.ToString()));
        Assert.Equal("412|PreconditionFailed|If-None-Match||At least one of the pre-conditions you specified did not hold", Fields(result.GetProperty("exists")));
        Assert.Equal("409|ConditionalRequestConflict|If-None-Match|k|The conditional request cannot succeed due to a conflicting operation against this resource.",
            Fields(result.GetProperty("afterDelete")));
        Assert.Equal("ok", result.GetProperty("restart").GetString());
        Assert.Equal("ok", result.GetProperty("unconditional").GetString());
    }

    [Fact]
    public async Task Conditional_completes_and_body_digests_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            def upload(key):
                upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
                etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=key.encode())["ETag"]
                return dict(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
            new = upload("new")
            out["newIfNoneMatch"] = error(s3.complete_multipart_upload, IfNoneMatch="*", **new)
            raced = upload("raced")
            s3.put_object(Bucket=bucket, Key="raced", Body=b"written while the upload was open")
            out["racedIfNoneMatch"] = error(s3.complete_multipart_upload, IfNoneMatch="*", **raced)
            out["racedBody"] = s3.get_object(Bucket=bucket, Key="raced")["Body"].read().decode()
            current = s3.head_object(Bucket=bucket, Key="raced")["ETag"]
            out["wrongIfMatch"] = error(s3.complete_multipart_upload, IfMatch='"0123456789abcdef0123456789abcdef"', **upload("raced"))
            out["rightIfMatch"] = error(s3.complete_multipart_upload, IfMatch=current, **upload("raced"))
            out["replacedBody"] = s3.get_object(Bucket=bucket, Key="raced")["Body"].read().decode()
            out["absentIfMatch"] = error(s3.complete_multipart_upload, IfMatch=current, **upload("absent"))
            digest = upload("digest")
            out["wrongMd5"] = with_headers("CompleteMultipartUpload", {"Content-MD5": md5(b"<x/>")}, s3.complete_multipart_upload, **digest)
            out["digestMissing"] = error(s3.head_object, Bucket=bucket, Key="digest")
            out["rightMd5"] = error(s3.complete_multipart_upload, **digest)
            # The checksum headers of a complete describe the whole object, so they are not compared with the document.
            import zlib
            whole = upload("whole")
            out["objectChecksum"] = error(s3.complete_multipart_upload, ChecksumCRC32=base64.b64encode(zlib.crc32(b"whole").to_bytes(4, "big")).decode(), **whole)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("ok", result.Outcome("newIfNoneMatch"));
        Assert.Equal("PreconditionFailed 412", result.Outcome("racedIfNoneMatch"));
        Assert.Equal("written while the upload was open", result.GetProperty("racedBody").GetString());
        Assert.Equal("PreconditionFailed 412", result.Outcome("wrongIfMatch"));
        Assert.Equal("ok", result.Outcome("rightIfMatch"));
        Assert.Equal("raced", result.GetProperty("replacedBody").GetString());
        Assert.Equal("NoSuchKey 404", result.Outcome("absentIfMatch"));
        Assert.Equal("BadDigest 400", result.Outcome("wrongMd5"));
        Assert.Equal("404 404", result.Outcome("digestMissing"));
        Assert.Equal("ok", result.Outcome("rightMd5"));
        Assert.Equal("ok", result.Outcome("objectChecksum"));
    }

    [Fact]
    public async Task Default_boto3_multipart_upload_gets_a_composite_crc32_and_full_object_crc32_validates_on_get()
    {
        var r = await server.RunBoto3Async("""
            import zlib
            from boto3.s3.transfer import TransferConfig
            data = os.urandom(11 * 1024 * 1024)
            def crc32(b):
                return base64.b64encode(zlib.crc32(b).to_bytes(4, "big")).decode()
            # What boto3 does by default: CRC32 parts under CreateMultipartUpload's ChecksumAlgorithm CRC32.
            import io
            s3.upload_fileobj(io.BytesIO(data), bucket, "default", Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
            head = s3.head_object(Bucket=bucket, Key="default", ChecksumMode="ENABLED")
            out["defaultChecksum"] = head.get("ChecksumCRC32")
            out["defaultType"] = head.get("ChecksumType")
            parts = [data[i:i + 5 * 1024 * 1024] for i in range(0, len(data), 5 * 1024 * 1024)]
            out["expectedComposite"] = base64.b64encode(zlib.crc32(b"".join(base64.b64decode(crc32(p)) for p in parts)).to_bytes(4, "big")).decode() + "-3"
            got = s3.get_object(Bucket=bucket, Key="default", ChecksumMode="ENABLED")
            out["defaultBody"] = got["Body"].read() == data
            out["defaultGetType"] = got.get("ChecksumType")

            def full(key, whole_checksum):
                up = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
                out[key + "CreateType"] = up.get("ChecksumType")
                done = []
                for n, p in enumerate(parts, 1):
                    r = s3.upload_part(Bucket=bucket, Key=key, UploadId=up["UploadId"], PartNumber=n, Body=p, ChecksumAlgorithm="CRC32")
                    done.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
                listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=up["UploadId"])
                out[key + "ListedParts"] = [p.get("ChecksumCRC32") == crc32(parts[i]) for i, p in enumerate(listed["Parts"])] + [listed.get("ChecksumType")]
                args = dict(Bucket=bucket, Key=key, UploadId=up["UploadId"], MultipartUpload={"Parts": done}, ChecksumCRC32=whole_checksum, ChecksumType="FULL_OBJECT")
                out[key] = error(s3.complete_multipart_upload, **args)
            full("wrong", crc32(b"not the object"))
            full("right", crc32(data))
            head = s3.head_object(Bucket=bucket, Key="right", ChecksumMode="ENABLED")
            out["fullChecksum"] = [head.get("ChecksumCRC32") == crc32(data), head.get("ChecksumType")]
            # botocore checks a FULL_OBJECT CRC32 against the body it reads (FlexibleChecksumError otherwise).
            out["fullBody"] = s3.get_object(Bucket=bucket, Key="right", ChecksumMode="ENABLED")["Body"].read() == data
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal(result.GetProperty("expectedComposite").GetString(), result.GetProperty("defaultChecksum").GetString());
        Assert.Equal("COMPOSITE", result.GetProperty("defaultType").GetString());
        Assert.Equal("COMPOSITE", result.GetProperty("defaultGetType").GetString());
        Assert.True(result.GetProperty("defaultBody").GetBoolean());
        Assert.Equal("FULL_OBJECT", result.GetProperty("rightCreateType").GetString());
        Assert.Equal("[true, true, true, \"FULL_OBJECT\"]", result.GetProperty("rightListedParts").GetRawText());
        Assert.Equal("BadDigest 400", result.Outcome("wrong"));
        Assert.Equal("ok", result.Outcome("right"));
        Assert.Equal("[true, \"FULL_OBJECT\"]", result.GetProperty("fullChecksum").GetRawText());
        Assert.True(result.GetProperty("fullBody").GetBoolean());
    }
    [Fact]
    public async Task Malformed_part_checksums_and_another_algorithms_are_refused_in_S3s_words_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            import zlib
            up = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="SHA256")["UploadId"]
            sent = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up, PartNumber=1, Body=b"part", ChecksumAlgorithm="SHA256")
            sha = sent["ChecksumSHA256"]
            crc = base64.b64encode(zlib.crc32(b"part").to_bytes(4, "big")).decode()
            def complete(part, **kwargs):
                return error(s3.complete_multipart_upload, Bucket=bucket, Key="mp", UploadId=up,
                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": sent["ETag"]} | part]}, **kwargs)
            bad = sha[:-2] + "x="
            out["invalid"] = complete({"ChecksumSHA256": bad})
            out["multiple"] = complete({"ChecksumSHA256": sha, "ChecksumCRC32": crc})
            out["otherAlgorithm"] = complete({"ChecksumCRC32": crc})
            out["invalidObject"] = complete({"ChecksumSHA256": sha}, ChecksumSHA256=sha + "-a")
            out["done"] = complete({"ChecksumSHA256": sha})
            # The InvalidArgument details, as S3 writes them.
            try:
                s3.complete_multipart_upload(Bucket=bucket, Key="mp2", UploadId="none", MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": "x", "ChecksumSHA256": bad}]})
            except ClientError as e:
                out["details"] = [e.response["Error"].get("ArgumentName"), e.response["Error"].get("ArgumentValue") == "SHA256:" + bad + ";"]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("InvalidArgument 400", result.Outcome("invalid"));
        Assert.Equal("Invalid Base64 or multiple checksums present in request", result.GetProperty("invalid")[2].GetString());
        Assert.Equal("InvalidArgument 400", result.Outcome("multiple"));
        Assert.Equal("BadDigest 400", result.Outcome("otherAlgorithm"));
        Assert.Equal("The crc32 you specified for part 1 did not match what we received.", result.GetProperty("otherAlgorithm")[2].GetString());
        Assert.Equal("InvalidRequest 400", result.Outcome("invalidObject"));
        Assert.Equal("Value for x-amz-checksum-sha256 header is invalid.", result.GetProperty("invalidObject")[2].GetString());
        Assert.Equal("ok", result.Outcome("done"));
        Assert.Equal("[\"Checksum\", true]", result.GetProperty("details").GetRawText());
    }

    [Fact]
    public async Task Boto3_upload_without_an_algorithm_gets_S3s_default_crc64nvme_full_object()
    {
        var r = await server.RunBoto3Async(S3Clients.PlainClientPrelude + """
            import zlib
            def checksums(response):
                return " ".join(f"{k}={v}" for k, v in sorted(response.items()) if k.startswith("Checksum"))
            first, last = os.urandom(5 * 1024 * 1024), b"the last part of a default upload"
            up = plain.create_multipart_upload(Bucket=bucket, Key="mp")
            out["create"] = checksums(up)
            p1 = plain.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=1, Body=first)
            out["part1"] = checksums(p1)
            # Any algorithm is accepted on an upload without one: verified and echoed.
            crc32 = base64.b64encode(zlib.crc32(last).to_bytes(4, "big")).decode()
            out["wrongPart"] = with_headers("UploadPart", {"x-amz-checksum-crc32": base64.b64encode(zlib.crc32(b"x").to_bytes(4, "big")).decode()},
                                            s3.upload_part, Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=2, Body=last, ChecksumAlgorithm="CRC32")
            p2 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=2, Body=last, ChecksumAlgorithm="CRC32")
            out["part2"] = checksums(p2)
            out["part2Expected"] = crc32
            listed = plain.list_parts(Bucket=bucket, Key="mp", UploadId=up["UploadId"])
            out["listed"] = checksums(listed) + "|" + "|".join(checksums(p) for p in listed["Parts"])
            done = plain.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up["UploadId"],
                                                   MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["ETag"]}]})
            out["sent"] = " ".join(sent_checksums)
            out["complete"] = checksums(done)
            out["head"] = checksums(plain.head_object(Bucket=bucket, Key="mp", ChecksumMode="ENABLED"))
            out["headPart"] = checksums(plain.head_object(Bucket=bucket, Key="mp", PartNumber=1, ChecksumMode="ENABLED"))
            attrs = plain.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["Checksum", "ObjectParts"])
            out["attributes"] = checksums(attrs["Checksum"])
            out["objectParts"] = [attrs["ObjectParts"].get("TotalPartsCount"), "Parts" in attrs["ObjectParts"]]
            # The same bytes in one PUT: S3's CRC of the stream, against the parts' CRCs combined.
            out["whole"] = checksums(plain.put_object(Bucket=bucket, Key="whole", Body=first + last))
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("", result.GetProperty("sent").GetString());
        Assert.Equal("", result.GetProperty("create").GetString());
        Assert.Equal("", result.GetProperty("part1").GetString());
        Assert.Equal("BadDigest 400", result.Outcome("wrongPart"));
        Assert.Equal($"ChecksumCRC32={result.GetProperty("part2Expected").GetString()}", result.GetProperty("part2").GetString());
        // ListParts shows no algorithm or part checksums for an upload created without an algorithm.
        Assert.Equal("||", result.GetProperty("listed").GetString());
        var whole = result.GetProperty("whole").GetString();
        Assert.StartsWith("ChecksumCRC64NVME=", whole, StringComparison.Ordinal);
        Assert.EndsWith(" ChecksumType=FULL_OBJECT", whole, StringComparison.Ordinal);
        Assert.Equal(whole, result.GetProperty("complete").GetString());
        Assert.Equal(whole, result.GetProperty("head").GetString());
        Assert.Equal("", result.GetProperty("headPart").GetString());
        Assert.Equal(whole, result.GetProperty("attributes").GetString());
        // FULL_OBJECT: S3 lists no parts of their own.
        Assert.Equal(2, result.GetProperty("objectParts")[0].GetInt32());
        Assert.False(result.GetProperty("objectParts")[1].GetBoolean());
    }

    [Fact]
    public async Task A_dsse_kms_multipart_upload_completes_and_reads_across_parts_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
            key = kms.create_key(Description="dsse mpu")["KeyMetadata"]
            create = s3.create_multipart_upload(Bucket=bucket, Key="big", ServerSideEncryption="aws:kms:dsse", SSEKMSKeyId=key["KeyId"])
            out["create"] = [create["ServerSideEncryption"], create["SSEKMSKeyId"] == key["Arn"]]
            parts = [os.urandom(5 * 1024 * 1024), os.urandom(1234)]
            etags = []
            for i, body in enumerate(parts):
                up = s3.upload_part(Bucket=bucket, Key="big", UploadId=create["UploadId"], PartNumber=i + 1, Body=body)
                out.setdefault("parts", []).append(up["ServerSideEncryption"])
                etags.append({"PartNumber": i + 1, "ETag": up["ETag"]})
            done = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=create["UploadId"], MultipartUpload={"Parts": etags})
            out["done"] = [done["ServerSideEncryption"], done["SSEKMSKeyId"] == key["Arn"], done["ETag"].endswith('-2"')]
            whole = b"".join(parts)
            out["get"] = s3.get_object(Bucket=bucket, Key="big")["Body"].read() == whole
            edge = s3.get_object(Bucket=bucket, Key="big", Range="bytes=5242000-5243000")
            out["edge"] = edge["Body"].read() == whole[5242000:5243001]
            head = s3.head_object(Bucket=bucket, Key="big", PartNumber=2)
            out["head"] = [head["ServerSideEncryption"], head["PartsCount"], head["ContentLength"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[\"aws:kms:dsse\", true]", result.GetProperty("create").GetRawText());
        Assert.Equal("[\"aws:kms:dsse\", \"aws:kms:dsse\"]", result.GetProperty("parts").GetRawText());
        Assert.Equal("[\"aws:kms:dsse\", true, true]", result.GetProperty("done").GetRawText());
        Assert.True(result.GetProperty("get").GetBoolean());
        Assert.True(result.GetProperty("edge").GetBoolean());
        Assert.Equal("[\"aws:kms:dsse\", 2, 1234]", result.GetProperty("head").GetRawText());
    }
}
