using SseSim.Server.Hosting;

var app = SseSimHost.Build(args, ownsProcess: true);
await app.RunAsync();
