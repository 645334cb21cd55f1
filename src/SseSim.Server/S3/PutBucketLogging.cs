namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket?logging: an empty &lt;BucketLoggingStatus/&gt; turns server access logging off, which it always is;
/// enabling it (LoggingEnabled) is NotImplemented.
/// </summary>
internal static class PutBucketLogging
{
    public static Task HandleAsync(S3Call call) =>
        BucketDefaultConfiguration.AcceptDefaultAsync(call, "BucketLoggingStatus", body => body.Elements().Any(e => e.Name.LocalName != "LoggingEnabled")
            ? null
            : !body.Elements().Any(), "Server access logging");
}
