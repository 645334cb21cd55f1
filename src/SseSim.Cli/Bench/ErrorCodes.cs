using System.Net.Sockets;
using Amazon.Runtime;
using SseSim.Nbd;

namespace SseSim.Cli.Bench;

/// <summary>Names a failed operation the way the service did: the AWS error code, the NBD errno, or the transport failure.</summary>
public static class ErrorCodes
{
    public static string Classify(Exception e) => e switch
    {
        AwsHttpException h => h.Code,
        AmazonServiceException { ErrorCode: { Length: > 0 } code } => code,
        AmazonServiceException s => $"HTTP {(int)s.StatusCode}",
        NbdException n => "NBD " + NbdClient.ErrorName(n.Error),
        HttpRequestException or SocketException => "ConnectionError",
        IOException { InnerException: SocketException } => "ConnectionError",
        TimeoutException or TaskCanceledException => "Timeout",
        AmazonClientException => "ClientError",
        _ => e.GetType().Name,
    };
}
