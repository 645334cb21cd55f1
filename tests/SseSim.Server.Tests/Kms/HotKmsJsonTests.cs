using System.Text;
using System.Text.Json;
using SseSim.Core.Secrets;
using SseSim.Kms.Operations;
using SseSim.Server.Kms;

namespace SseSim.Server.Tests.Kms;

/// <summary>The hand-written GenerateDataKey JSON must read and write exactly what the serializer does, or step aside.</summary>
public sealed class HotKmsJsonTests
{
    [Theory]
    [InlineData("""{"KeyId":"alias/a","KeySpec":"AES_256","EncryptionContext":{"purpose":"bench","b":"\u00e9\"<"}}""")]
    [InlineData("""{ "EncryptionContext": {}, "NumberOfBytes": 64, "KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab" } """)]
    [InlineData("""{"KeyId":"k"}""")]
    [InlineData("""{}""")]
    public void Reads_the_plain_form_as_the_serializer_does(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var hot = HotKmsJson.TryRead<GenerateDataKeyRequest>(body);
        Assert.NotNull(hot);
        var expected = JsonSerializer.Deserialize<GenerateDataKeyRequest>(body, KmsJson.Options)!;
        Assert.Equal(expected.KeyId, hot.KeyId);
        Assert.Equal(expected.KeySpec, hot.KeySpec);
        Assert.Equal(expected.NumberOfBytes, hot.NumberOfBytes);
        Assert.Equal(expected.EncryptionContext?.ToArray(), hot.EncryptionContext?.ToArray());
        Assert.Null(hot.GrantTokens);
        Assert.Null(hot.DryRun);
    }

    [Theory]
    [InlineData("""{"KeyId":"k","GrantTokens":["t"]}""")]
    [InlineData("""{"KeyId":"k","DryRun":true}""")]
    [InlineData("""{"KeyId":"k","Other":1}""")]
    [InlineData("""{"KeyId":"k","KeyId":"j"}""")]
    [InlineData("""{"KeyId":null}""")]
    [InlineData("""{"keyid":"k"}""")]
    [InlineData("""{"NumberOfBytes":1.5}""")]
    [InlineData("""{"NumberOfBytes":"16"}""")]
    [InlineData("""{"EncryptionContext":{"a":"1","a":"2"}}""")]
    [InlineData("""{"EncryptionContext":{"a":1}}""")]
    [InlineData("""{"KeyId":"k"} x""")]
    [InlineData("""{"KeyId":"k"}{}""")]
    [InlineData("""{"KeyId":"k" """)]
    [InlineData("""[]""")]
    [InlineData("""{"KeyId":"k"/*c*/}""")]
    public void Leaves_everything_else_to_the_serializer(string json) =>
        Assert.Null(HotKmsJson.TryRead<GenerateDataKeyRequest>(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Only_GenerateDataKey_is_read_by_hand() =>
        Assert.Null(HotKmsJson.TryRead<EncryptRequest>("""{"KeyId":"k"}"""u8.ToArray()));

    [Theory]
    [InlineData(32, "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData(1, "arn:aws:kms:us-east-1:000000000000:key/k<&'\"é+")]
    [InlineData(1024, "k")]
    public void Writes_the_serializers_bytes(int length, string keyId)
    {
        var blob = new byte[length + 100];
        Random.Shared.NextBytes(blob);
        using var plaintext = SecretBytes.Random(length);
        var response = new GenerateDataKeyResponse(blob, plaintext, keyId, new string('a', 64));
        var expected = JsonSerializer.SerializeToUtf8Bytes(response, typeof(GenerateDataKeyResponse), KmsJson.Options);
        // Twice: the second render reuses the thread's writer and buffer.
        for (var i = 0; i < 2; i++)
        {
            using var hot = HotKmsJson.TryRender(response)!.Value;
            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(hot.Span));
        }
        Assert.Null(HotKmsJson.TryRender(new EncryptResponse(blob, keyId, "SYMMETRIC_DEFAULT")));
    }
}
