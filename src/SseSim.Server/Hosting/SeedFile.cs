using System.Text.Json;
using SseSim.Core.Aws;
using SseSim.Kms;

namespace SseSim.Server.Hosting;

/// <summary>The seed file: identities and keys to create at start (README, "Seed file").</summary>
public sealed record SeedFile
{
    public IReadOnlyList<SeedIdentity> Identities { get; init; } = [];
    public IReadOnlyList<SeedKey> Keys { get; init; } = [];

    /// <param name="Admin">May call the admin API under /_ssesim/api/ (fault injection).</param>
    public sealed record SeedIdentity(string AccessKeyId, string SecretAccessKey, string AccountId, string? UserName, bool Admin = false)
    {
        public Identity ToIdentity() => new(AccessKeyId, SecretAccessKey, AccountId, UserName ?? "root");

        public override string ToString() => $"SeedIdentity {{ AccessKeyId = {AccessKeyId}, AccountId = {AccountId} }}";
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static SeedFile Load(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return new SeedFile();
        }
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<SeedFile>(stream, Json) ?? new SeedFile();
    }
}
