using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using SseSim.Core.Crypto;
using SseSim.Core.Secrets;
using SseSim.Kms.Crypto;
using SseSim.Objects.Envelope;
using Xunit.Abstractions;

namespace SseSim.Fuzz.Tests;

public sealed class FuzzTargetTests(ITestOutputHelper output)
{
    /// <summary>Per target; the whole theory stays well under a minute on two cores. SSESIM_FUZZ_SECONDS runs longer locally.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("SSESIM_FUZZ_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 2.5);

    /// <summary>
    /// Also a cap on executions, so a fast machine runs the same inputs as the last passing run instead of reaching
    /// new ones; SSESIM_FUZZ_EXECUTIONS raises it for a real fuzzing session.
    /// </summary>
    private static readonly long MaxExecutions =
        long.TryParse(Environment.GetEnvironmentVariable("SSESIM_FUZZ_EXECUTIONS"), out var n) ? n : 100_000;

    // string.GetHashCode is randomized per process; the mutation seed must be the same in every run.
    private static int StableSeed(string target) => target.Aggregate(0x5eed, (h, c) => unchecked((h * 31) + c));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Seed_corpus_is_accepted(string target)
    {
        var seeds = FuzzCorpus.Seeds(target);
        Assert.NotEmpty(seeds);
        foreach (var (name, bytes) in seeds)
        {
            FuzzTargets.All[target](bytes);
            AssertAccepted(target, name, bytes);
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Regression_inputs_do_not_crash(string target)
    {
        foreach (var (_, bytes) in FuzzCorpus.Regressions(target))
        {
            FuzzTargets.All[target](bytes);
        }
    }

    /// <summary>
    /// Mutates the seeds for a fixed time (and at most a fixed number of inputs) with a fixed random seed. A crash is written to regressions/&lt;target&gt;/
    /// in the source tree (replayed by the test above from then on) and fails the test.
    /// </summary>
    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_inputs_do_not_crash(string target)
    {
        var run = FuzzTargets.All[target];
        var mutator = new Mutator([.. FuzzCorpus.Seeds(target).Select(s => s.Bytes)], seed: StableSeed(target));
        var clock = Stopwatch.StartNew();
        long executions = 0;
        var crashes = new List<string>();
        while (clock.Elapsed < Budget && executions < MaxExecutions && crashes.Count < 5)
        {
            var input = mutator.Next();
            executions++;
            try
            {
                run(input);
            }
            catch (Exception e)
            {
                crashes.Add(SaveCrash(target, input) + ": " + e.GetType().Name + ": " + e.Message);
            }
        }
        output.WriteLine($"fuzz {target}: {executions} executions in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(crashes.Count == 0, string.Join("\n", crashes));
        Assert.True(executions > 0);
    }

    public static TheoryData<string> Targets() => FuzzCorpus.Targets();

    private static string SaveCrash(string target, byte[] input, [CallerFilePath] string source = "")
    {
        var dir = Path.Combine(Path.GetDirectoryName(source)!, "regressions", target);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "crash-" + Convert.ToHexStringLower(SHA256.HashData(input))[..16] + ".bin");
        File.WriteAllBytes(path, input);
        return path;
    }

    /// <summary>Seeds must reach the deep end of their parser (a valid signature verifies, a blob opens, ...), or mutations of them would test only the front door.</summary>
    private static void AssertAccepted(string target, string name, byte[] bytes)
    {
        switch (target)
        {
            case nameof(FuzzTargets.SigV4Header) or nameof(FuzzTargets.SigV4Presigned):
                var auth = FuzzTargets.SigV4(bytes);
                Assert.True(auth.Succeeded, $"{name}: {auth.Failure} {auth.Message}");
                break;
            case nameof(FuzzTargets.AwsChunked):
                Assert.NotEmpty(FuzzTargets.DecodeChunked(bytes));
                break;
            case nameof(FuzzTargets.KmsRequest):
                var status = FuzzTargets.InvokeKms(bytes, out var response);
                Assert.True(status == 200, $"{name}: {status} {response}");
                break;
            case nameof(FuzzTargets.KmsCiphertextBlob):
                using (var backing = SecretBytes.CopyFrom(FuzzFixtures.KeyMaterial))
                using (var plain = CiphertextBlob.Open(bytes, backing, EncryptionContext.Empty))
                {
                    Assert.Equal(32, plain.Length);
                }
                break;
            case nameof(FuzzTargets.EnvelopeSegments):
                using (var key = FuzzFixtures.FixtureEnvelopeKey(EnvelopeHeader.Parse(bytes).Algorithm))
                using (var plain = new MemoryStream())
                {
                    FuzzFixtures.RunSync(() => EnvelopeReader.DecryptRangeAsync(new MemoryStream(bytes), key, FuzzFixtures.Binding, 0, bytes.Length < 100 ? 0 : SeedCorpus.EnvelopePlaintext.Length, plain));
                    Assert.Equal(name.StartsWith("empty", StringComparison.Ordinal) ? [] : SeedCorpus.EnvelopePlaintext, plain.ToArray());
                }
                break;
            case nameof(FuzzTargets.EnvelopeHeaderParse):
                Assert.Equal(64 * 1024, EnvelopeHeader.Parse(bytes).SegmentSize);
                break;
            case nameof(FuzzTargets.NbdRequests):
                // Handshake reply (18 + 10) plus five simple replies (16 each) and the 8 bytes read back.
                Assert.Equal(18 + 10 + (5 * 16) + 8, FuzzTargets.RunNbd([.. FuzzFixtures.NbdHandshake(), .. bytes]));
                break;
            case nameof(FuzzTargets.NbdHandshake):
                // Every seed ends in a negotiated export: the 18-byte greeting plus at least the 10-byte export reply.
                Assert.True(FuzzTargets.RunNbd(bytes) >= 18 + 10, name);
                break;
            default:
                Assert.NotNull(FuzzTargets.Parse(target, bytes));
                break;
        }
    }
}
