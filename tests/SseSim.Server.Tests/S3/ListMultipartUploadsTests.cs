namespace SseSim.Server.Tests.S3;

/// <summary>
/// ListMultipartUploads through boto3, in the members S3 answers (LocalStack test_s3.py test_multipart_and_list_parts,
/// recorded from AWS): both next markers name the last upload listed, empty when none is, and Prefix is echoed only
/// when sent; an upload-id-marker without a key-marker is ignored, as the API reference says.
/// </summary>
[Collection("S3")]
public sealed class ListMultipartUploadsTests(ServerFixture server)
{
    [Fact]
    public async Task Next_markers_name_the_last_upload_and_prefix_is_echoed_only_when_sent()
    {
        var r = await server.RunBoto3Async("""
            def listing(**kw):
                page = s3.list_multipart_uploads(Bucket=bucket, **kw)
                return [page.get("NextKeyMarker"), page.get("NextUploadIdMarker") == (page["Uploads"][-1]["UploadId"] if page.get("Uploads") else ""),
                        page.get("Prefix"), page["IsTruncated"], [u["Key"] for u in page.get("Uploads", [])]]
            out["empty"] = listing()
            for key in ("a/1", "a/2", "b/1"):
                s3.create_multipart_upload(Bucket=bucket, Key=key)
            out["all"] = listing()
            out["prefix"] = listing(Prefix="a/")
            out["page"] = listing(MaxUploads=1)
            ignored = s3.list_multipart_uploads(Bucket=bucket, UploadIdMarker="not-an-upload")
            out["ignored"] = [ignored.get("UploadIdMarker"), len(ignored["Uploads"])]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("""["", true, null, false, []]""", result.GetProperty("empty").GetRawText());
        Assert.Equal("""["b/1", true, null, false, ["a/1", "a/2", "b/1"]]""", result.GetProperty("all").GetRawText());
        Assert.Equal("""["a/2", true, "a/", false, ["a/1", "a/2"]]""", result.GetProperty("prefix").GetRawText());
        Assert.Equal("""["a/1", true, null, true, ["a/1"]]""", result.GetProperty("page").GetRawText());
        Assert.Equal("""["", 3]""", result.GetProperty("ignored").GetRawText());
    }

    /// <summary>
    /// A page of zero is empty and complete: AWS answers max-uploads=0 with no upload and IsTruncated false
    /// (scality/cloudserver#435), as it answers ListObjects and ListObjectsV2 max-keys=0 (ceph s3-tests
    /// test_bucket_list_max_keys_zero and test_bucket_listv2_maxkeys_zero; versity/versitygw#248).
    /// </summary>
    [Fact]
    public async Task Max_uploads_zero_answers_an_empty_page_that_is_not_truncated_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            for key in ("a", "b"):
                s3.create_multipart_upload(Bucket=bucket, Key=key)
            s3.put_object(Bucket=bucket, Key="o", Body=b"x")
            p = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=0)
            out["uploads"] = [p["MaxUploads"], p["IsTruncated"], len(p.get("Uploads", [])), p.get("NextKeyMarker"), p.get("NextUploadIdMarker")]
            v1 = s3.list_objects(Bucket=bucket, MaxKeys=0)
            out["v1"] = [v1["MaxKeys"], v1["IsTruncated"], len(v1.get("Contents", [])), v1.get("NextMarker")]
            v2 = s3.list_objects_v2(Bucket=bucket, MaxKeys=0)
            out["v2"] = [v2["MaxKeys"], v2["IsTruncated"], v2["KeyCount"], "NextContinuationToken" in v2]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("""[0, false, 0, "", ""]""", result.GetProperty("uploads").GetRawText());
        Assert.Equal("""[0, false, 0, null]""", result.GetProperty("v1").GetRawText());
        Assert.Equal("""[0, false, 0, false]""", result.GetProperty("v2").GetRawText());
    }

    [Fact]
    public async Task A_delimiter_rolls_uploads_up_into_CommonPrefixes_each_counted_once_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3_list_operations.py TestS3ListMultipartUploads::
        // test_list_multiparts_with_prefix_and_delimiter and ::test_list_multipart_uploads_marker_common_prefixes (a page
        // ending with a common prefix names no next markers; a key marker at or past a prefix skips it).
        var r = await server.RunBoto3Async("""
            ids = {k: s3.create_multipart_upload(Bucket=bucket, Key=k)["UploadId"] for k in
                   ("folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2", "folder/file1", "folder/file2")}
            def page(**kw):
                p = s3.list_multipart_uploads(Bucket=bucket, Prefix="folder/", Delimiter="/", **kw)
                return [p.get("Delimiter"), p["IsTruncated"], p["NextKeyMarker"], p["NextUploadIdMarker"] == ids.get(p["NextKeyMarker"], ""),
                        [u["Key"] for u in p.get("Uploads", [])], [c["Prefix"] for c in p.get("CommonPrefixes", [])], p.get("EncodingType")]
            out["all"] = page()
            out["start"] = page(MaxUploads=1)
            out["afterPrefix"] = page(MaxUploads=1, KeyMarker="folder/aSubfolder/")
            out["insidePrefix"] = page(MaxUploads=1, KeyMarker="folder/aSubfolder/subFile1")
            out["encoded"] = page(EncodingType="url")
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[\"/\", false, \"folder/file2\", true, [\"folder/file1\", \"folder/file2\"], [\"folder/aSubfolder/\"], null]", result.GetProperty("all").GetRawText());
        Assert.Equal("[\"/\", true, \"\", true, [], [\"folder/aSubfolder/\"], null]", result.GetProperty("start").GetRawText());
        Assert.Equal("[\"/\", true, \"folder/file1\", true, [\"folder/file1\"], [], null]", result.GetProperty("afterPrefix").GetRawText());
        Assert.Equal("[\"/\", true, \"folder/file1\", true, [\"folder/file1\"], [], null]", result.GetProperty("insidePrefix").GetRawText());
        Assert.Equal("url", result.GetProperty("encoded")[6].GetString());
    }

    [Fact]
    public async Task An_upload_id_marker_resumes_after_that_upload_of_the_key_marker_and_must_be_one_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3_list_operations.py TestS3ListMultipartUploads::test_list_multiparts_next_marker
        // (list-multiparts-both-markers, -both-markers-2, -get-last-upload-no-truncate, -wrong-id-for-key): uploads of a
        // key are listed in initiation order, and an upload-id marker of another key is InvalidArgument.
        var r = await server.RunBoto3Async("""
            ids = {k: [] for k in ("test_a", "test_b")}
            for k in ("test_b", "test_a", "test_a", "test_a"):
                ids[k].append(s3.create_multipart_upload(Bucket=bucket, Key=k)["UploadId"])
            name = {u: f"{k}#{i}" for k, us in ids.items() for i, u in enumerate(us)}
            def page(**kw):
                p = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1, **kw)
                return [p["IsTruncated"], [name[u["UploadId"]] for u in p.get("Uploads", [])], name.get(p["NextUploadIdMarker"], "")]
            out["pages"] = [page(KeyMarker="test_a", UploadIdMarker=u) for u in ids["test_a"]]
            out["lastKey"] = page(KeyMarker="test_b", UploadIdMarker=ids["test_b"][0])
            try:
                s3.list_multipart_uploads(Bucket=bucket, KeyMarker="test_a", UploadIdMarker=ids["test_b"][0])
                out["wrong"] = None
            except ClientError as e:
                err = e.response["Error"]
                out["wrong"] = [err["Code"], err["Message"], err.get("ArgumentName"), err.get("ArgumentValue") == ids["test_b"][0], e.response["ResponseMetadata"]["HTTPStatusCode"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[[true, [\"test_a#1\"], \"test_a#1\"], [true, [\"test_a#2\"], \"test_a#2\"], [false, [\"test_b#0\"], \"test_b#0\"]]", result.GetProperty("pages").GetRawText());
        Assert.Equal("[false, [], \"\"]", result.GetProperty("lastKey").GetRawText());
        Assert.Equal("[\"InvalidArgument\", \"Invalid uploadId marker\", \"upload-id-marker\", true, 400]", result.GetProperty("wrong").GetRawText());
    }
}
