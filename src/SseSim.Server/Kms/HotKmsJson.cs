using System.Buffers;
using System.Text.Json;
using SseSim.Kms.Operations;

namespace SseSim.Server.Kms;

/// <summary>
/// GenerateDataKey's request and response by hand, the hottest KMS call (every SSE-KMS PUT): the serializer's
/// per-call metadata lookups, boxing and converter dispatch cost more than the few members. The reader accepts only
/// the plain form it fully understands (known members, expected token types, each member once) and otherwise returns
/// null, so the serializer handles, and answers errors for, everything else exactly as before. The writer gives the
/// serializer's bytes for the response (<see cref="KmsJson.Options"/>: declaration order, the default encoder).
/// </summary>
internal static class HotKmsJson
{
    public static TRequest? TryRead<TRequest>(byte[] body)
        where TRequest : class =>
        typeof(TRequest) == typeof(GenerateDataKeyRequest) ? (TRequest?)(object?)TryReadGenerateDataKey(body) : null;

    private static GenerateDataKeyRequest? TryReadGenerateDataKey(byte[] body)
    {
        try
        {
            var r = new Utf8JsonReader(body);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            string? keyId = null, keySpec = null;
            int? numberOfBytes = null;
            Dictionary<string, string>? context = null;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("KeyId"u8) && keyId is null)
                {
                    keyId = ReadString(ref r);
                    if (keyId is null)
                    {
                        return null;
                    }
                }
                else if (r.ValueTextEquals("KeySpec"u8) && keySpec is null)
                {
                    keySpec = ReadString(ref r);
                    if (keySpec is null)
                    {
                        return null;
                    }
                }
                else if (r.ValueTextEquals("NumberOfBytes"u8) && numberOfBytes is null)
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out var n))
                    {
                        return null;
                    }
                    numberOfBytes = n;
                }
                else if (r.ValueTextEquals("EncryptionContext"u8) && context is null)
                {
                    context = ReadStringMap(ref r);
                    if (context is null)
                    {
                        return null;
                    }
                }
                else
                {
                    // GrantTokens, Recipient, DryRun, unknown members, a member given twice: the serializer's way.
                    return null;
                }
            }
            if (r.TokenType != JsonTokenType.EndObject || r.Read())
            {
                return null;
            }
            return new GenerateDataKeyRequest { KeyId = keyId, KeySpec = keySpec, NumberOfBytes = numberOfBytes, EncryptionContext = context };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed JSON, or a string that is not valid UTF-8 (GetString throws InvalidOperationException): the
            // serializer reads it again and raises the error the endpoint reports.
            return null;
        }
    }

    private static string? ReadString(ref Utf8JsonReader r) =>
        r.Read() && r.TokenType == JsonTokenType.String ? r.GetString() : null;

    private static Dictionary<string, string>? ReadStringMap(ref Utf8JsonReader r)
    {
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = r.GetString()!;
            if (!r.Read() || r.TokenType != JsonTokenType.String || !map.TryAdd(name, r.GetString()!))
            {
                return null;
            }
        }
        return r.TokenType == JsonTokenType.EndObject ? map : null;
    }

    /// <summary>
    /// The response as <c>JsonSerializer.SerializeToUtf8Bytes(response, type, KmsJson.Options)</c> writes it, in a pooled
    /// buffer that <see cref="RentedJson.Dispose"/> zeroes (it holds the base64 data key); null for other types.
    /// </summary>
    public static RentedJson? TryRender(object response)
    {
        if (response is not GenerateDataKeyResponse r)
        {
            return null;
        }
        var plaintext = r.Plaintext.UnsafeExpose();
        // Exact size: base64 of both blobs plus the two strings' worst case, so the buffer never grows (a grown
        // buffer would leave a copy of the data key behind unzeroed).
        var capacity = 256 + Base64Length(r.CiphertextBlob.Length) + Base64Length(plaintext.Length) + (6 * (r.KeyId.Length + r.KeyMaterialId.Length));
        var rented = ArrayPool<byte>.Shared.Rent(capacity);
        // One writer and buffer per thread, reset for each response (rendering never awaits).
        var buffer = _buffer ??= new FixedBufferWriter();
        buffer.Reset(rented);
        var w = _writer;
        if (w is null)
        {
            w = _writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        }
        else
        {
            w.Reset(buffer);
        }
        try
        {
            w.WriteStartObject();
            w.WriteBase64String("CiphertextBlob"u8, r.CiphertextBlob);
            w.WriteBase64String("Plaintext"u8, plaintext);
            w.WriteString("KeyId"u8, r.KeyId);
            w.WriteString("KeyMaterialId"u8, r.KeyMaterialId);
            w.WriteEndObject();
            w.Flush();
            return new RentedJson(rented, buffer.Written);
        }
        catch (InvalidOperationException)
        {
            // The writer asked for more room than the estimate: the serializer writes this one.
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(rented);
            ArrayPool<byte>.Shared.Return(rented);
            return null;
        }
        finally
        {
            w.Reset(Stream.Null);
            buffer.Reset([]);
        }
    }

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    [ThreadStatic]
    private static FixedBufferWriter? _buffer;

    /// <summary>JSON in a pooled array; disposing zeroes what was written and returns the array.</summary>
    public readonly struct RentedJson(byte[] array, int length) : IDisposable
    {
        public ReadOnlySpan<byte> Span => array.AsSpan(0, length);

        public int Length => length;

        public void Dispose()
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(array.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private static int Base64Length(int bytes) => (bytes + 2) / 3 * 4;

    /// <summary>Writes into one array and refuses to grow past it.</summary>
    private sealed class FixedBufferWriter : IBufferWriter<byte>
    {
        private byte[] _array = [];

        public int Written { get; private set; }

        public void Reset(byte[] destination)
        {
            _array = destination;
            Written = 0;
        }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Check(sizeHint) ? _array.AsMemory(Written) : throw new InvalidOperationException("Response buffer too small.");

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        private bool Check(int sizeHint) => _array.Length - Written >= Math.Max(sizeHint, 1);
    }
}
