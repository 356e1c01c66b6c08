using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using SharpSR.Imaging;
using SharpSR.Inference;
using SharpSR.Testing;

namespace SharpSR.Serve.Tests;

/// <summary>
/// The server in process: the very host `sharpsr serve` builds (<see cref="ServeHost.CreateBuilder"/>), with
/// the test server in place of Kestrel. The shipped weights come from this assembly's resources.
/// </summary>
public sealed class ServeFactory : WebApplicationFactory<ServeFactory>
{
    public ServeFactory() : this(new ServeSettings()) { }

    internal ServeFactory(ServeSettings settings) => Settings = settings;

    static ServeFactory()
    {
        // The server reads nothing from its content root; point it at the test output so none is searched for.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SHARPSR_SERVE_TESTS", AppContext.BaseDirectory);
    }

    public ServeSettings Settings { get; }

    public List<string> Log { get; } = [];

    protected override IHostBuilder CreateHostBuilder() => ServeHost.CreateBuilder(Settings, typeof(ServeFactory).Assembly, line => { lock (Log) Log.Add(line); });
}

/// <summary>Inputs and the library's own answers to compare the server with.</summary>
public static class Samples
{
    public static string AstronautPath => Path.Combine(TestData.RepoRoot, "samples", "astronaut_lr.png");

    public static byte[] Astronaut => File.ReadAllBytes(AstronautPath);

    /// <summary>What the library makes of <paramref name="lr"/> with the same model, tiling and thread count the server uses.</summary>
    public static RgbImage Expected(RgbImage lr, string model, int scale, bool ensemble = false, SharpSR.Core.Lowering.PlanOptions? planOptions = null)
    {
        var loaded = ModelCatalog.Load(model, scale, assembly: typeof(ServeFactory).Assembly);
        var runner = loaded is NetworkModel { Network: { } net }
            ? new NetworkModel(loaded.Name, net) { Tile = TilePolicy.For(loaded, lr.Width, lr.Height), Ensemble = ensemble, PlanOptions = planOptions }
            : loaded;
        return runner.Upscale(lr);
    }

    /// <summary>A PNG that is only a signature and a header declaring <paramref name="w"/>x<paramref name="h"/> pixels: a decompression bomb's first bytes.</summary>
    public static byte[] PngHeaderOnly(uint w, uint h)
    {
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(ihdr, w);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = 8; ihdr[9] = 2;   // 8-bit RGB
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> len = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(len, 13);
        ms.Write(len);
        byte[] typeAndData = [.. "IHDR"u8, .. ihdr];
        ms.Write(typeAndData);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(len, Crc32(typeAndData));
        ms.Write(len);
        return ms.ToArray();
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }
}
