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
