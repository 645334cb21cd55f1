using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace SseSim.Bench;

/// <summary>
/// The ceiling for small-object rates (`ssesim bench --sse none` against it): Kestrel on loopback that AES-256-GCM
/// encrypts each PUT body under one process key with a fresh nonce and keeps it in memory, and decrypts it on GET.
/// No auth, no KMS, no audit, nothing durable: the "Kestrel with per-request AES-GCM", measured on this machine
/// with the same client, so the 4 KiB row can say how much of the machine a target ratio against moto_server needs.
/// </summary>
public static class MemoryCeilingServer
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static Task<BaselineServer> StartAsync(int port = 0)
    {
        var store = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        var key = RandomNumberGenerator.GetBytes(32);
        return BaselineServer.StartAsync(port, context => HandleAsync(context, store, key), () => CryptographicOperations.ZeroMemory(key));
    }

    private static async Task HandleAsync(HttpContext context, ConcurrentDictionary<string, byte[]> store, byte[] key)
    {
        var path = context.Request.Path.Value ?? "/";
        if (HttpMethods.IsPut(context.Request.Method))
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var plain = body.GetBuffer().AsSpan(0, (int)body.Length);
            var sealedBody = new byte[NonceSize + TagSize + plain.Length];
            RandomNumberGenerator.Fill(sealedBody.AsSpan(0, NonceSize));
            using (var gcm = new AesGcm(key, TagSize))
            {
                gcm.Encrypt(sealedBody.AsSpan(0, NonceSize), plain, sealedBody.AsSpan(NonceSize + TagSize), sealedBody.AsSpan(NonceSize, TagSize));
            }
            store[path] = sealedBody;
            return;
        }
        if (HttpMethods.IsGet(context.Request.Method) && store.TryGetValue(path, out var stored))
        {
            var plain = new byte[stored.Length - NonceSize - TagSize];
            using (var gcm = new AesGcm(key, TagSize))
            {
                gcm.Decrypt(stored.AsSpan(0, NonceSize), stored.AsSpan(NonceSize + TagSize), stored.AsSpan(NonceSize, TagSize), plain);
            }
            context.Response.ContentLength = plain.Length;
            await context.Response.Body.WriteAsync(plain, context.RequestAborted);
            return;
        }
        // Bucket creation and anything else the shared client sends.
        context.Response.StatusCode = HttpMethods.IsGet(context.Request.Method) ? 404 : 200;
    }
}
