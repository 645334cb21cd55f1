using System.Globalization;
using System.Text;

namespace SseSim.Objects;

/// <summary>
/// S3's tag limits (docs/formats/s3-metadata-records.md#tags): 10 tags per object, 50 per bucket, unique keys of
/// 1-128 and values of 0-256 characters (S3 counts UTF-16 code units), letters, digits, white space and
/// <c>_ . : / = + - @</c>, and no <c>aws:</c> prefix on keys.
/// </summary>
internal static class TagRules
{
    public const int MaxObjectTags = 10;
    public const int MaxBucketTags = 50;
    private const int MaxKeyLength = 128;
    private const int MaxValueLength = 256;

    /// <summary>The tag set as stored: validated, sorted by key, null when empty.</summary>
    public static List<S3Tag>? ForObject(IReadOnlyList<S3Tag>? tags) => Validate(tags, forBucket: false);

    public static List<S3Tag>? ForBucket(IReadOnlyList<S3Tag>? tags) => Validate(tags, forBucket: true);

    private static List<S3Tag>? Validate(IReadOnlyList<S3Tag>? tags, bool forBucket)
    {
        if (tags is null || tags.Count == 0)
        {
            return null;
        }
        if (tags.Count > (forBucket ? MaxBucketTags : MaxObjectTags))
        {
            throw new S3Exception(S3ErrorCode.BadRequest, forBucket ? "Bucket tag count cannot be greater than 50" : "Object tags cannot be greater than 10");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            if (!seen.Add(tag.Key))
            {
                throw Invalid("Cannot provide multiple Tags with the same key", tag.Key);
            }
            if (tag.Key.StartsWith("aws:", StringComparison.Ordinal))
            {
                // S3 words the bucket refusal as a system tag, the object one as a prefix.
                throw Invalid(forBucket ? "System tags cannot be added/updated by requester" : "Your TagKey cannot be prefixed with aws:", tag.Key);
            }
            if (tag.Key.Length > MaxKeyLength)
            {
                throw Invalid("The TagKey you have provided is too long, max 128", tag.Key);
            }
            if (tag.Key.Length == 0 || !AllowedText(tag.Key))
            {
                throw Invalid("The TagKey you have provided is invalid", tag.Key);
            }
            if (tag.Value.Length > MaxValueLength)
            {
                throw Invalid("The TagValue you have provided is too long, max 256", tag.Key).With("TagValue", tag.Value);
            }
            if (!AllowedText(tag.Value))
            {
                throw Invalid("The TagValue you have provided is invalid", tag.Key).With("TagValue", tag.Value);
            }
        }
        return tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
    }

    private static S3Exception Invalid(string message, string key) => new S3Exception(S3ErrorCode.InvalidTag, message).With("TagKey", key);

    /// <summary>
    /// Unicode letters, numbers and separators, white space, and _ . : / = + - @, per code point so that letters outside
    /// the BMP pass; a lone surrogate enumerates as U+FFFD, a symbol, and fails.
    /// </summary>
    private static bool AllowedText(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            var ok = Rune.GetUnicodeCategory(rune) switch
            {
                UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                    or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                    or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => true,
                _ => Rune.IsWhiteSpace(rune) || rune.Value is '_' or '.' or ':' or '/' or '=' or '+' or '-' or '@',
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
