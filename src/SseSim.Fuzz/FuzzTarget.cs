namespace SseSim.Fuzz;

/// <summary>One fuzz entry point: returns normally for any input, throws only for a genuine bug.</summary>
public delegate void FuzzTarget(ReadOnlySpan<byte> data);
