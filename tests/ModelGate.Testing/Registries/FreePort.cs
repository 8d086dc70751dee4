using System.Net;
using System.Net.Sockets;

namespace ModelGate.Testing.Registries;

/// <summary>A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls until something accepts connections on <paramref name="port"/>, or the deadline passes.</summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan deadline, Func<bool>? stillRunning = null)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until && (stillRunning?.Invoke() ?? true))
            {
                await Task.Delay(50);
            }
        }
    }
}
