// Envelope encryption of a local file with the AWS SDK for .NET, against a running SseSim:
//
//   dotnet run --project src/SseSim.Server &
//   dotnet run --project samples/EnvelopeEncryption -- [ENDPOINT] [FILE]
//
// Writes FILE.enc and FILE.key (the wrapped data key) beside FILE, then decrypts them again.
return await EnvelopeEncryption.EnvelopeFile.RunAsync(
    args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("SSESIM_ENDPOINT") ?? "http://127.0.0.1:4566",
    args.Length > 1 ? args[1] : null,
    Console.Out);
