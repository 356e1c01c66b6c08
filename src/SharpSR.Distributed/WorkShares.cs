namespace SharpSR.Distributed;

/// <summary>How a list of jobs of known sizes is split over ranks so each gets about the same amount of work.</summary>
public static class WorkShares
{
    /// <summary>
    /// The rank of each job: largest first, each to the rank with the least work so far (the lowest rank on a tie),
    /// so no rank ends with much more than the largest job above the mean. Depends only on the weights, so every rank
    /// computes the same split.
    /// </summary>
    public static int[] Balance(IReadOnlyList<long> weights, int ranks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        var owner = new int[weights.Count];
        var load = new long[ranks];
        var order = Enumerable.Range(0, weights.Count).OrderByDescending(i => weights[i]).ThenBy(i => i);
        foreach (int job in order)
        {
            int least = 0;
            for (int r = 1; r < ranks; r++)
                if (load[r] < load[least]) least = r;
            owner[job] = least;
            load[least] += Math.Max(0, weights[job]);
        }
        return owner;
    }
}
