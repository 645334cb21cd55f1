using System.Text.Json;
using System.Text.Json.Serialization;
using SseSim.Core.Secrets;

namespace SseSim.Server.Kms;

/// <summary>AWS JSON 1.1 as KMS speaks it: PascalCase members, base64 blobs, epoch-second timestamps, no nulls.</summary>
public static class KmsJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
        };
        o.Converters.Add(new EpochSecondsConverter());
        o.Converters.Add(new SecretBytesConverter());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>Timestamps are epoch seconds as JSON numbers, possibly fractional.</summary>
    private sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
    {
        // Any malformed or out-of-range timestamp is a JsonException, so the endpoint answers SerializationException
        // (a FormatException or ArgumentOutOfRangeException here was a 500; found by the KMS structural fuzz test).
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    var seconds = reader.GetDouble();
                    if (double.IsFinite(seconds) && seconds * 1000 is >= -62135596800000 and <= 253402300799000)
                    {
                        return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
                    }
                    break;
                case JsonTokenType.String:
                    if (DateTimeOffset.TryParse(reader.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
                    {
                        return parsed;
                    }
                    break;
            }
            throw new JsonException("Expected a timestamp.");
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(Math.Round(value.ToUnixTimeMilliseconds() / 1000.0, 3));
    }

    /// <summary>Writes a secret as base64 straight from its pinned buffer; secrets are never read from requests this way.</summary>
    private sealed class SecretBytesConverter : JsonConverter<SecretBytes>
    {
        public override SecretBytes Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            SecretBytes.TakeFrom(reader.GetBytesFromBase64());

        public override void Write(Utf8JsonWriter writer, SecretBytes value, JsonSerializerOptions options) =>
            writer.WriteBase64StringValue(value.UnsafeExpose());
    }
}
