using System.Security.Cryptography;

namespace SharpSR.Serve.Page;

/// <summary>The page's files, embedded in the assembly and served from memory by fixed names: no request reaches the disk.</summary>
public sealed class PageAssets
{
    public sealed record Asset(byte[] Bytes, string MediaType, string ETag);

    private readonly Dictionary<string, Asset> _assets = new(StringComparer.Ordinal);

    public PageAssets()
    {
        var assembly = typeof(PageAssets).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith("page/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            var bytes = ms.ToArray();
            string name = resource["page/".Length..];
            string type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            _assets[name] = new Asset(bytes, type, "\"" + Convert.ToHexString(SHA256.HashData(bytes))[..16] + "\"");
        }
    }

    public IEnumerable<string> Names => _assets.Keys;

    public Asset? Find(string name) => _assets.GetValueOrDefault(name);
}
