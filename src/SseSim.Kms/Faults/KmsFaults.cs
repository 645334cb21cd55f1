namespace SseSim.Kms.Faults;

/// <summary>Added latency for one operation (or every operation when <see cref="Operation"/> is null).</summary>
public sealed record KmsLatencyFault(string? Operation, TimeSpan Latency, TimeSpan Jitter);

/// <summary>A share of calls (0..1) to one operation, or all, that fail with <see cref="ErrorCode"/>.</summary>
public sealed record KmsErrorFault(string? Operation, double Rate, string ErrorCode);

/// <summary>From <see cref="Start"/> (inclusive) to <see cref="End"/> every KMS call fails with <see cref="ErrorCode"/>.</summary>
public sealed record KmsOutage(DateTimeOffset Start, DateTimeOffset End, string ErrorCode);

/// <summary>One immutable set of KMS faults; <see cref="KmsFaults"/> swaps whole sets so a call sees one consistent view.</summary>
public sealed record KmsFaultSettings
{
    public static KmsFaultSettings None { get; } = new();

    public IReadOnlyList<KmsLatencyFault> Latencies { get; init; } = [];
    public IReadOnlyList<KmsErrorFault> Errors { get; init; } = [];
    public KmsOutage? Outage { get; init; }

    public bool IsEmpty => Latencies.Count == 0 && Errors.Count == 0 && Outage is null;
}

/// <summary>
/// Fault injection for the embedded KMS, applied by <see cref="KmsService.InvokeAsync{TRequest,TResponse}"/> before
/// the handler runs, so an injected failure has no side effect, is audited like a real one, and reaches S3 and EBS
/// through <c>IDataKeyService</c> exactly as a real KMS failure would. Latency is awaited on the service's
/// <see cref="TimeProvider"/>; the random source is injectable so tests can force outcomes.
/// </summary>
public sealed class KmsFaults(TimeProvider time, Func<double>? random = null)
{
    /// <summary>The error codes a fault may inject: the retryable ones AWS KMS actually returns under load or failure.</summary>
    public static readonly IReadOnlyList<string> ErrorCodes = ["ThrottlingException", "KMSInternalException", "DependencyTimeoutException"];

    /// <summary>What an outage answers unless told otherwise: AWS KMS answers KMSInternalException when its back end fails.</summary>
    public const string DefaultOutageError = "KMSInternalException";

    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;
    private KmsFaultSettings _current = KmsFaultSettings.None;

    public KmsFaultSettings Current => Volatile.Read(ref _current);

    /// <summary>Validates and installs <paramref name="settings"/> atomically; throws ArgumentException when invalid.</summary>
    public void Set(KmsFaultSettings settings)
    {
        Validate(settings);
        Volatile.Write(ref _current, settings);
    }

    public static void Validate(KmsFaultSettings settings)
    {
        foreach (var l in settings.Latencies)
        {
            if (l.Latency < TimeSpan.Zero || l.Jitter < TimeSpan.Zero || l.Latency + l.Jitter > TimeSpan.FromMinutes(5))
            {
                throw new ArgumentException("Latency and jitter must be between 0 and 5 minutes.");
            }
        }
        foreach (var e in settings.Errors)
        {
            if (e.Rate is < 0 or > 1 || double.IsNaN(e.Rate))
            {
                throw new ArgumentException("An error rate must be between 0 and 1.");
            }
            RequireErrorCode(e.ErrorCode);
        }
        if (settings.Outage is { } o)
        {
            RequireErrorCode(o.ErrorCode);
            if (o.End <= o.Start)
            {
                throw new ArgumentException("An outage must end after it starts.");
            }
        }
    }

    public void Clear() => Volatile.Write(ref _current, KmsFaultSettings.None);

    /// <summary>Waits the configured latency, then throws the injected failure if this call is chosen to fail.</summary>
    public async ValueTask ApplyAsync(string operation, CancellationToken cancellationToken)
    {
        var settings = Current;
        if (settings.IsEmpty)
        {
            return;
        }
        if (Pick(settings.Latencies, operation, l => l.Operation) is { } latency)
        {
            var delay = latency.Latency + (latency.Jitter * _random());
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, cancellationToken);
            }
        }
        if (settings.Outage is { } outage)
        {
            var now = time.GetUtcNow();
            if (now >= outage.Start && now < outage.End)
            {
                throw Injected(outage.ErrorCode);
            }
        }
        if (Pick(settings.Errors, operation, e => e.Operation) is { Rate: > 0 } error && _random() < error.Rate)
        {
            throw Injected(error.ErrorCode);
        }
    }

    /// <summary>AWS's wording for each injectable error.</summary>
    public static KmsException Injected(string errorCode) => new(errorCode, errorCode switch
    {
        "ThrottlingException" => RequestQuotas.ThrottlingMessage,
        "DependencyTimeoutException" => "The system timed out while trying to fulfill the request. You can retry the request.",
        _ => "The request was rejected because an internal exception occurred. The request can be retried.",
    })
    { Injected = true };

    private static void RequireErrorCode(string code)
    {
        if (!ErrorCodes.Contains(code))
        {
            throw new ArgumentException($"Error code '{code}' is not one of {string.Join(", ", ErrorCodes)}.");
        }
    }

    // The operation's own entry wins over the catch-all (null operation) entry.
    private static T? Pick<T>(IReadOnlyList<T> entries, string operation, Func<T, string?> name) where T : class
    {
        T? any = null;
        foreach (var e in entries)
        {
            var n = name(e);
            if (n is null)
            {
                any ??= e;
            }
            else if (string.Equals(n, operation, StringComparison.Ordinal))
            {
                return e;
            }
        }
        return any;
    }
}
