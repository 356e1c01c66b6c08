namespace SharpSR.Core.Optim;

/// <summary>A first-order optimizer over a fixed list of parameters.</summary>
public interface IOptimizer
{
    /// <summary>The learning rate used by the next <see cref="Step"/>; a schedule sets it each iteration.</summary>
    float LearningRate { get; set; }

    /// <summary>Updates every parameter that has a gradient.</summary>
    void Step();

    /// <summary>Clears the gradients of all parameters.</summary>
    void ZeroGrad();
}
