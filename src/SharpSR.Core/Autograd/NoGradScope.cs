namespace SharpSR.Core.Autograd;

/// <summary><c>using var _ = NoGradScope.Enter();</c> — ops record nothing inside, for inference.</summary>
public readonly struct NoGradScope : IDisposable
{
    private readonly bool _active;
    private NoGradScope(bool active) => _active = active;

    public static NoGradScope Enter()
    {
        Backprop.EnterNoGrad();
        return new NoGradScope(true);
    }

    public void Dispose()
    {
        if (_active) Backprop.ExitNoGrad();
    }
}
