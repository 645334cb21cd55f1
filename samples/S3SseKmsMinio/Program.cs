// S3 SSE-KMS with the MinIO .NET client, against a running SseSim:
//
//   dotnet run --project src/SseSim.Server &
//   dotnet run --project samples/S3SseKmsMinio -- [ENDPOINT]
return await S3SseKmsMinio.MinioSseKmsSample.RunAsync(
    args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("SSESIM_ENDPOINT") ?? "http://127.0.0.1:4566",
    Console.Out);
