using Microsoft.AspNetCore.Http;

namespace SseSim.Bench;

/// <summary>
/// The baseline for S3 throughput (`ssesim bench --sse none` against it): Kestrel on loopback that streams a PUT body
/// to a temp file (same FileStream settings and fsync-then-rename as SseSim's body store) and streams it back on GET.
/// No auth, no crypto, no metadata: what a copy to disk and back costs on this machine.
/// </summary>
public static class PlainCopyServer
{
    public static Task<BaselineServer> StartAsync(int port = 0)
    {
        var dir = Directory.CreateTempSubdirectory("sseSim-bench-plain-").FullName;
        return BaselineServer.StartAsync(port, context => HandleAsync(context, dir), () => Directory.Delete(dir, recursive: true));
    }

    private static async Task HandleAsync(HttpContext context, string dir)
    {
        // One flat file per path; the name only has to be unique and safe.
        var name = Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(context.Request.Path.Value ?? "/"));
        var path = Path.Combine(dir, name.Length > 200 ? name[^200..] : name);
        if (HttpMethods.IsPut(context.Request.Method))
        {
            var temp = path + ".tmp";
            await using (var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.Asynchronous, BufferSize = 64 * 1024 }))
            {
                await context.Request.Body.CopyToAsync(file, context.RequestAborted);
                await file.FlushAsync(context.RequestAborted);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            context.Response.StatusCode = 200;
            return;
        }
        if (HttpMethods.IsGet(context.Request.Method) && File.Exists(path))
        {
            await using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read | FileShare.Delete, Options = FileOptions.Asynchronous, BufferSize = 0 });
            context.Response.ContentLength = file.Length;
            await file.CopyToAsync(context.Response.Body, 64 * 1024, context.RequestAborted);
            return;
        }
        // Bucket creation and anything else the shared client sends.
        context.Response.StatusCode = HttpMethods.IsGet(context.Request.Method) ? 404 : 200;
    }
}
