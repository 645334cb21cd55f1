using Amazon.EC2.Model;
using SseSim.Nbd;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>Several NBD connections may serve one attached volume (issue 4), all through the one in-memory data key.</summary>
public sealed class MultipleConnectionsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Three_connections_to_one_encrypted_volume_see_each_others_flushed_writes_and_all_close_at_detach()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var instance = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12345678", MinCount = 1, MaxCount = 1 })).Reservation.Instances[0].InstanceId;
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true })).Volume.VolumeId;
        await ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume, InstanceId = instance, Device = "/dev/sdf" });

        var connections = new List<NbdClient>();
        for (var i = 0; i < 3; i++)
        {
            connections.Add(await NbdClient.ConnectAsync("127.0.0.1", server.NbdPort, volume));
        }
        try
        {
            // Each connection writes its own blocks concurrently, then every connection reads every block.
            await Task.WhenAll(connections.Select(async (c, i) =>
            {
                for (var block = 0; block < 8; block++)
                {
                    await c.WriteAsync((i * 8 + block) * 4096L, Pattern(i, block));
                }
                await c.FlushAsync();
            }));
            foreach (var reader in connections)
            {
                for (var i = 0; i < connections.Count; i++)
                {
                    for (var block = 0; block < 8; block++)
                    {
                        var buffer = new byte[4096];
                        await reader.ReadAsync((i * 8 + block) * 4096L, buffer);
                        Assert.Equal(Pattern(i, block), buffer);
                    }
                }
            }
        }
        finally
        {
            await ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volume });
        }
        // Detach closes every export connection, not just one (detaching completes in the background, so allow it time).
        foreach (var c in connections)
        {
            Assert.True(await ClosedWithinAsync(c, TimeSpan.FromSeconds(15)), "a connection outlived the detach");
            await c.DisposeAsync();
        }
    }

    private static async Task<bool> ClosedWithinAsync(NbdClient connection, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await connection.ReadAsync(0, new byte[4096], timeout.Token);
            }
            catch (Exception e) when (e is IOException or NbdException or ObjectDisposedException or InvalidOperationException)
            {
                return true;
            }
            await Task.Delay(50);
        }
        return false;
    }

    private static byte[] Pattern(int connection, int block) => Enumerable.Repeat((byte)(0x10 * (connection + 1) + block), 4096).ToArray();
}
