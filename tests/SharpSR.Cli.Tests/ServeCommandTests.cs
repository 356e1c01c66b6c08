using System.Net;
using System.Net.Sockets;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>`sharpsr serve` refuses unsafe or impossible settings with one line, before serving anything.</summary>
public class ServeCommandTests
{
    private static string OneLine(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", err);
        Assert.Single(CliFiles.Lines(err));
        Assert.DoesNotContain("Exception", err);
        return err.Trim();
    }

    [Fact]
    public void Listening_beyond_loopback_without_a_token_is_refused() =>
        Assert.Contains("pass --token", OneLine("serve", "--host", "0.0.0.0"));

    [Fact]
    public void Out_of_range_values_name_the_option()
    {
        Assert.Contains("--port 70000", OneLine("serve", "--port", "70000"));
        Assert.Contains("--workers 0", OneLine("serve", "--workers", "0"));
        Assert.Contains("--max-upload-mb 0", OneLine("serve", "--max-upload-mb", "0"));
    }

    [Fact]
    public void A_port_in_use_is_one_line_that_names_it()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        string error = OneLine("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", error);
        Assert.Contains("--port", error);
    }
}
