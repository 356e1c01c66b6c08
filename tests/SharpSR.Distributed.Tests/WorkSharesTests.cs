using Xunit;

namespace SharpSR.Distributed.Tests;

public class WorkSharesTests
{
    [Fact]
    public void Balance_LargestFirstToTheLeastLoadedRank()
    {
        // 9 → r0; 7 → r1; 6 → r1 (7 < 9); 5 → r0 (9 < 13); 2 → r1 (13 < 14)
        int[] owner = WorkShares.Balance([5, 9, 2, 7, 6], 2);
        Assert.Equal([0, 0, 1, 1, 1], owner);
        long[] load = new long[2];
        long[] w = [5, 9, 2, 7, 6];
        for (int i = 0; i < w.Length; i++) load[owner[i]] += w[i];
        Assert.Equal([14, 15], load);
    }

    [Fact]
    public void Balance_MoreRanksThanJobs_EachJobItsOwnRank()
    {
        Assert.Equal([1, 0, 2], WorkShares.Balance([3, 8, 1], 4));
        Assert.Empty(WorkShares.Balance([], 3));
    }

    [Fact]
    public void Balance_ManyEqualJobs_CountsDifferByAtMostOne()
    {
        int[] owner = WorkShares.Balance(Enumerable.Repeat(100L, 23).ToArray(), 4);
        var counts = Enumerable.Range(0, 4).Select(r => owner.Count(o => o == r)).ToArray();
        Assert.Equal([6, 6, 6, 5], counts);
    }
}
