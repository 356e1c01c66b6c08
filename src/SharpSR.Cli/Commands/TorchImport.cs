using SharpSR.Models;

namespace SharpSR.Cli.Commands;

/// <summary>Builds a network from a PyTorch checkpoint (see SharpSR.Interop).</summary>
public static class TorchImport
{
    public static SrNetwork Load(string path, string arch, int? scale) =>
        throw new NotSupportedException($"importing PyTorch checkpoints ('{Path.GetFileName(path)}', --arch {arch}) is not available in this build yet");
}
