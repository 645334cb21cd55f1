using System.Text.Json;

namespace SseSim.Server.Tests.Security;

/// <summary>A server per test with two accounts from a seed file: Alice (111122223333) and Bob (444455556666).</summary>
public abstract class TwoAccountServerTests : IAsyncLifetime
{
    protected const string Alice = "AKIAALICE";
    protected const string AliceSecret = "alice-secret";
    protected const string Bob = "AKIABOB";
    protected const string BobSecret = "bob-secret";
    private readonly string _seed = Path.Combine(Path.GetTempPath(), "sseSim-2acct-" + Guid.NewGuid().ToString("N") + ".json");

    protected ServerFixture Server { get; private set; } = null!;

    /// <summary>
    /// The start of these tests' boto3 scripts: client(service, key, secret) without retries, and code(f, **kw), the
    /// error code a call that must fail answers.
    /// </summary>
    protected const string Boto3Prelude = """
import base64, hashlib, json, os, boto3
from botocore.exceptions import ClientError
ep = os.environ["SSESIM_ENDPOINT"]
def client(service, key, secret):
    return boto3.client(service, endpoint_url=ep, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
                        config=boto3.session.Config(retries={"max_attempts": 1}))
def code(f, **kw):
    try:
        f(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("expected an error from %s" % f)

""";

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_seed, JsonSerializer.Serialize(new
        {
            identities = new[]
            {
                new { accessKeyId = Alice, secretAccessKey = AliceSecret, accountId = "111122223333", userName = "alice" },
                new { accessKeyId = Bob, secretAccessKey = BobSecret, accountId = "444455556666", userName = "bob" },
            },
        }));
        Server = new ServerFixture { ExtraArgs = ["--seed", _seed] };
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        File.Delete(_seed);
    }
}
