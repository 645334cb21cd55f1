using System.Text;
using SseSim.Server.Auth;

namespace SseSim.Fuzz.Tests;

/// <summary>
/// The SigV4 verifier's time rules on exact, signed requests (docs/security.md#signatures): 15 minutes of clock skew
/// for header signatures, presigned URLs valid for X-Amz-Expires seconds and never more than 7 days.
/// </summary>
public sealed class SignatureRulesTests
{
    [Theory]
    [InlineData(-14, true)]
    [InlineData(14, true)]
    [InlineData(-16, false)]
    [InlineData(16, false)]
    public void Header_signatures_allow_15_minutes_of_skew(int minutes, bool accepted)
    {
        var request = FuzzFixtures.ParseRequest(Encoding.UTF8.GetString(FuzzCorpus.Seeds("SigV4Header").Single(s => s.Name == "s3-get.txt").Bytes)).Request;
        var result = VerifierAt(FuzzFixtures.Now.AddMinutes(minutes)).Verify(request, "UNSIGNED-PAYLOAD");
        Assert.Equal(accepted ? AuthFailure.None : AuthFailure.RequestExpired, result.Failure);
    }

    [Fact]
    public void Presigned_urls_expire_and_are_capped_at_7_days()
    {
        var week = Request(SeedCorpus.Presigned("GET /b/k", 604800));
        Assert.True(VerifierAt(FuzzFixtures.Now.AddDays(7).AddSeconds(-1)).Verify(week, "UNSIGNED-PAYLOAD").Succeeded);
        Assert.Equal(AuthFailure.PresignedExpired, VerifierAt(FuzzFixtures.Now.AddDays(7).AddSeconds(1)).Verify(week, "UNSIGNED-PAYLOAD").Failure);

        var overAWeek = VerifierAt(FuzzFixtures.Now).Verify(Request(SeedCorpus.Presigned("GET /b/k", 604801)), "UNSIGNED-PAYLOAD");
        Assert.Equal(AuthFailure.IncompleteSignature, overAWeek.Failure);
        Assert.Contains("604800", overAWeek.Message, StringComparison.Ordinal);

        var hour = Request(SeedCorpus.Presigned("GET /b/k", 3600));
        Assert.Equal(AuthFailure.PresignedExpired, VerifierAt(FuzzFixtures.Now.AddHours(1).AddSeconds(1)).Verify(hour, "UNSIGNED-PAYLOAD").Failure);
        Assert.Equal(AuthFailure.RequestExpired, VerifierAt(FuzzFixtures.Now.AddMinutes(-16)).Verify(hour, "UNSIGNED-PAYLOAD").Failure);
    }

    [Fact]
    public void A_changed_signature_byte_is_refused()
    {
        var text = Encoding.UTF8.GetString(FuzzCorpus.Seeds("SigV4Header").Single(s => s.Name == "s3-get.txt").Bytes);
        var at = text.IndexOf("Signature=", StringComparison.Ordinal) + "Signature=".Length;
        var flipped = text[..at] + (text[at] == '0' ? '1' : '0') + text[(at + 1)..];
        Assert.Equal(AuthFailure.SignatureMismatch, FuzzFixtures.Verifier.Verify(FuzzFixtures.ParseRequest(flipped).Request, "UNSIGNED-PAYLOAD").Failure);
    }

    private static Microsoft.AspNetCore.Http.HttpRequest Request(byte[] text) => FuzzFixtures.ParseRequest(Encoding.UTF8.GetString(text)).Request;

    private static SigV4Verifier VerifierAt(DateTimeOffset now) => new(FuzzFixtures.Identities, new At(now));

    private sealed class At(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
