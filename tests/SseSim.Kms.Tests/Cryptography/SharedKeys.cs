using System.Collections.Concurrent;
using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Cryptography;

/// <summary>
/// A class fixture: one KMS whose keys are made once per spec and usage, for theory rows that only use a key (sign,
/// verify, encrypt, decrypt, read its public key) and never change it. Making an RSA_4096 key takes seconds on two
/// cores, and those theories made a key per row.
/// </summary>
public sealed class SharedKeys : IAsyncLifetime
{
    private readonly ConcurrentDictionary<(string Spec, string Usage), Lazy<Task<KeyMetadata>>> _keys = new();

    public CryptoKit Kit { get; } = new();

    public Task<KeyMetadata> GetAsync(string spec, string usage) =>
        _keys.GetOrAdd((spec, usage), k => new(() => Kit.CreateKeyAsync(k.Spec, k.Usage))).Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Kit.DisposeAsync();
}
