using System.Text.Json;
using System.Text.Json.Serialization;
using SseSim.Core.Tracing;

namespace SseSim.Server.Dashboard;

/// <summary>
/// Everything under /_ssesim/ except the health check: the page and its embedded assets, sign-in, and the
/// read-only JSON API under /_ssesim/api/. Also wraps S3/EC2/EBS requests in a trace (<see cref="TracedAsync"/>).
/// </summary>
public sealed class DashboardEndpoint(DashboardApi api, DashboardAuth auth, TraceRecorder traces)
{
    public const string Prefix = "/_ssesim";
    public const string TraceRequestHeader = "x-ssesim-trace";
    public const string TraceIdHeader = "x-ssesim-trace-id";
    public const string TraceStepsHeader = "x-ssesim-trace-steps";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    public static bool Matches(PathString path) => path.StartsWithSegments(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// Runs an S3/EC2/EBS request under a trace. Every request is traced so the last flow of each object and volume
    /// is kept; one sent with x-ssesim-trace: 1 is also kept by id, which the response names in x-ssesim-trace-id.
    /// </summary>
    public async Task TracedAsync(HttpContext context, Func<HttpContext, Task> handler)
    {
        var requested = context.Request.Headers[TraceRequestHeader] == "1";
        var trace = traces.Begin(requested);
        if (requested)
        {
            context.Response.Headers[TraceIdHeader] = trace.Id;
            // The steps recorded by the time the headers go out: all of a PUT's; a GET's up to the key in memory
            // (its body is decrypted after the headers). The full list is at /_ssesim/api/traces/{id}.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[TraceStepsHeader] = StepsHeader(trace);
                return Task.CompletedTask;
            });
        }
        try
        {
            await handler(context);
            if (context.Response.StatusCode >= 400)
            {
                trace.Fail($"HTTP {context.Response.StatusCode}");
            }
        }
        finally
        {
            traces.Complete(trace);
        }
    }

    /// <summary>"name[;event=ID][;ms=N]" per step, comma-separated; ASCII only (contexts stay in the JSON).</summary>
    public static string StepsHeader(FlowTrace trace) => string.Join(',', trace.Steps.Select(s =>
        s.Name + (s.KmsEventId is null ? "" : ";event=" + s.KmsEventId)
        + (s.DurationMs is { } ms ? ";ms=" + ms.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "")));

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value![Prefix.Length..];
        var method = context.Request.Method;
        if (path is "/login")
        {
            await LoginAsync(context);
            return;
        }
        if (path is "" or "/" && !auth.Open && auth.Authenticate(context) is null)
        {
            context.Response.Redirect(Prefix + "/login");
            return;
        }
        if (path is "" or "/" or "/app.js" or "/app.css" or "/i18n.js")
        {
            if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
            {
                context.Response.StatusCode = 405;
                return;
            }
            if (path != "/app.css" && auth.Authenticate(context) is null)
            {
                context.Response.StatusCode = 401;
                return;
            }
            await AssetAsync(context, path is "" or "/" ? "index.html" : path[1..]);
            return;
        }
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            await ApiAsync(context, path["/api/".Length..]);
            return;
        }
        await ErrorAsync(context, 404, "NotFound", "No such dashboard resource.");
    }

    private async Task ApiAsync(HttpContext context, string route)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.Headers.Allow = "GET";
            await ErrorAsync(context, 405, "MethodNotAllowed", "The dashboard API is read-only.");
            return;
        }
        if (auth.Authenticate(context) is null)
        {
            await ErrorAsync(context, 401, "Unauthorized", "Sign in at /_ssesim/login with an identity's access key id and secret.");
            return;
        }
        var query = context.Request.Query;
        var segments = route.Split('/');
        object? result = segments switch
        {
            ["keys"] => api.Keys(),
            ["keys", var id, "hierarchy"] => api.Hierarchy(Uri.UnescapeDataString(id)),
            ["buckets"] => api.Buckets(),
            ["volumes"] => api.Volumes(),
            // The signed admin endpoint owns /_ssesim/api/faults; the page reads the same settings here.
            ["fault-settings"] => api.FaultSettings(),
            ["volumes", var id, "flow"] => api.VolumeFlow(id),
            ["audit"] => api.Audit(query["key"], query["bucket"], query["volume"], query["identity"],
                int.TryParse(query["limit"], out var limit) ? Math.Clamp(limit, 1, 1000) : 200),
            ["traces", var id] => traces.Find(id) is { } t ? DashboardApi.Trace(t) : null,
            ["objects", var bucket, .. var rest] when rest.Length >= 2 && rest[^1] == "flow" =>
                api.ObjectFlow(bucket, Uri.UnescapeDataString(string.Join('/', rest[..^1]))),
            ["objects", var bucket, .. var rest] when rest.Length >= 1 =>
                await api.ObjectAsync(bucket, Uri.UnescapeDataString(string.Join('/', rest)), context.RequestAborted),
            _ => null,
        };
        if (result is null)
        {
            await ErrorAsync(context, 404, "NotFound", "Nothing recorded for " + route);
            return;
        }
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(result, Json, context.RequestAborted);
    }

    private async Task LoginAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await AssetAsync(context, "login.html");
            return;
        }
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            await ErrorAsync(context, 405, "MethodNotAllowed", "POST the sign-in form.");
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var cookie = auth.SignIn(form["accessKeyId"], form["secretAccessKey"]);
        if (cookie is null)
        {
            context.Response.Redirect(Prefix + "/login?failed=1");
            return;
        }
        context.Response.Cookies.Append(DashboardAuth.CookieName, cookie, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = Prefix,
            Secure = context.Request.IsHttps,
        });
        context.Response.Redirect(Prefix + "/");
    }

    private static async Task AssetAsync(HttpContext context, string name)
    {
        await using var stream = typeof(DashboardEndpoint).Assembly.GetManifestResourceStream("dashboard/" + name);
        if (stream is null)
        {
            context.Response.StatusCode = 404;
            return;
        }
        context.Response.ContentType = ContentTypes[Path.GetExtension(name)];
        context.Response.Headers.CacheControl = "no-cache";
        // Everything the page needs is served from here; the policy keeps it that way.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'";
        context.Response.ContentLength = stream.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }

    private static async Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new { error = code, message }, Json, context.RequestAborted);
    }
}
