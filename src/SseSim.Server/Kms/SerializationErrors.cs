using System.Text.Json;

namespace SseSim.Server.Kms;

/// <summary>
/// The message of AWS JSON 1.1's SerializationException for a member of the wrong JSON type, in the wording of AWS's
/// request parser (for example "NUMBER_VALUE can not be converted to a String" for <c>{"KeyId": 5}</c>). A mismatch it
/// cannot name keeps the structure wording it always had.
/// </summary>
public static class SerializationErrors
{
    public const string UnexpectedStructure = "Start of structure or map found where not expected.";
    public const string UnexpectedList = "Start of list found where not expected.";

    public static string Describe(byte[] body, JsonException error)
    {
        if (error.Path is not { } path)
        {
            return UnexpectedStructure;
        }
        JsonValueKind found;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (Find(document.RootElement, path) is not { } element)
            {
                return UnexpectedStructure;
            }
            found = element.ValueKind;
        }
        catch (JsonException)
        {
            return UnexpectedStructure;
        }
        // System.Text.Json names the target type: "The JSON value could not be converted to System.String. Path: ...".
        var message = error.Message;
        var toString = message.Contains("converted to System.String.", StringComparison.Ordinal);
        var toInteger = message.Contains("System.Int32", StringComparison.Ordinal);
        return found switch
        {
            JsonValueKind.Array => UnexpectedList,
            JsonValueKind.Number when toString => "NUMBER_VALUE can not be converted to a String",
            JsonValueKind.String when toInteger => "STRING_VALUE can not be converted to an Integer",
            _ => UnexpectedStructure,
        };
    }

    /// <summary>Follows a System.Text.Json path ("$.A.B", "$.A[2]", "$['a.b']") to the element it names.</summary>
    private static JsonElement? Find(JsonElement root, string path)
    {
        if (!path.StartsWith('$'))
        {
            return null;
        }
        var current = root;
        var i = 1;
        while (i < path.Length)
        {
            string? name = null;
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                name = path[(i + 1)..end];
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['"))
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    return null;
                }
                name = path[(i + 2)..end];
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), out var index)
                    || current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength())
                {
                    return null;
                }
                current = current[index];
                i = end + 1;
                continue;
            }
            else
            {
                return null;
            }
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }
        return current;
    }
}
