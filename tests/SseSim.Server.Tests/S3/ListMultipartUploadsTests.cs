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
}
