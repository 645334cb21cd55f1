using SseSim.Server.Hosting;

var app = SseSimHost.Build(args);
await app.RunAsync();
