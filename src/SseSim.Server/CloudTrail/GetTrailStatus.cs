using System.Globalization;
using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// Logging state and delivery results. The timestamps are epoch seconds; the string members
/// (TimeLoggingStarted, LatestDeliveryAttemptTime...) are ISO 8601 text, empty until something happened, as CloudTrail
/// answers them. There is no SNS, CloudWatch Logs or digest delivery, so those members are left out or empty.
/// </summary>
public static class GetTrailStatus
{
    public static Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var t = Trails.Find(context.Store, request, "Name", caller, change: false);
        var o = new JsonObject { ["IsLogging"] = t.IsLogging };
        if (t.LatestDeliveryError is not null)
        {
            o["LatestDeliveryError"] = t.LatestDeliveryError;
        }
        Time(o, "LatestDeliveryTime", t.LatestDeliveryTime);
        Time(o, "StartLoggingTime", t.StartLoggingTime);
        Time(o, "StopLoggingTime", t.StopLoggingTime);
        o["LatestDeliveryAttemptTime"] = Text(t.LatestDeliveryAttemptTime);
        o["LatestNotificationAttemptTime"] = "";
        o["LatestNotificationAttemptSucceeded"] = "";
        o["LatestDeliveryAttemptSucceeded"] = Text(t.LatestDeliveryTime);
        o["TimeLoggingStarted"] = Text(t.StartLoggingTime);
        o["TimeLoggingStopped"] = Text(t.StopLoggingTime);
        return Task.FromResult(o);
    }

    private static void Time(JsonObject o, string member, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            o[member] = t.ToUnixTimeMilliseconds() / 1000.0;
        }
    }

    private static string Text(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";
}
