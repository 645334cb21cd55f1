// The signer is shared with `ssesim faults` (SseSim.Core/Aws/SigV4Signer.cs); the load generator keeps its short name.
global using SigV4 = SseSim.Core.Aws.SigV4Signer;
