using SharpSR.Models;
using SharpSR.Inference;

namespace SharpSR.Training.Evaluation;

/// <summary>Validation during training: mean Y-PSNR/SSIM of the network on a benchmark set.</summary>
public sealed class SetValidator(BenchmarkSet set) : IValidator
{
    public (double Psnr, double Ssim) Validate(SrNetwork net, CancellationToken cancel)
    {
        var (result, _) = new Evaluator().Evaluate(new NetworkModel("validation", net), set, cancel: cancel);
        return (result.Psnr, result.Ssim);
    }
}
