using ModelGate.Core.Errors;
using ModelGate.Core.Spectral.Sharding;

namespace ModelGate.Core.Tests.Spectral.Sharding;

public sealed class ShardPlannerTests
{
    // An 8B-shaped layer: q, k, v, o, gate, up, down (GQA k/v 1024 × 4096), r = 16.
    private static readonly (string Name, long Rows, long Cols)[] Layer =
    [
        ("q_proj", 4096, 4096), ("k_proj", 1024, 4096), ("v_proj", 1024, 4096), ("o_proj", 4096, 4096),
        ("gate_proj", 14336, 4096), ("up_proj", 14336, 4096), ("down_proj", 4096, 14336),
    ];

    private static (string[] Names, double[] Costs) Model(int layers)
    {
        var modules = Enumerable.Range(0, layers).SelectMany(l => Layer.Select(m => ($"model.layers.{l}.{m.Name}.weight", m.Rows, m.Cols))).ToArray();
        return ([.. modules.Select(m => m.Item1)], [.. modules.Select(m => ModuleCost.ColdSpectrum(m.Rows, m.Cols))]);
    }

    [Fact]
    public void Assign_ManyModules_PutsEachInExactlyOneShardWithLoadsWithinOneModuleOfEachOther()
    {
        var (names, costs) = Model(32);

        var shardOf = ShardPlanner.Assign(names, costs, 8);

        Assert.All(shardOf, s => Assert.InRange(s, 1, 8));
        var loads = Enumerable.Range(1, 8).Select(s => costs.Where((_, i) => shardOf[i] == s).Sum()).ToArray();
        Assert.Equal(costs.Sum(), loads.Sum(), 1e-3);
        // Greedy LPT: the heaviest shard exceeds the lightest by at most the last module it took.
        Assert.True(loads.Max() - loads.Min() <= costs.Max(), $"loads {string.Join(", ", loads)}");
    }

    [Fact]
    public void Assign_OneBigAndThreeSmallModules_BalancesCostNotCount()
    {
        string[] names = ["a", "b", "c", "d"];
        double[] costs = [1, 1, 1, 3];

        var shardOf = ShardPlanner.Assign(names, costs, 2);

        Assert.Equal([2, 2, 2, 1], shardOf);
    }

    [Fact]
    public void Assign_TheSameModulesInAnotherOrder_GivesEachModuleTheSameShard()
    {
        var (names, costs) = Model(4);
        var reversed = Enumerable.Range(0, names.Length).Reverse().ToArray();

        var forward = ShardPlanner.Assign(names, costs, 3);
        var backward = ShardPlanner.Assign([.. reversed.Select(i => names[i])], [.. reversed.Select(i => costs[i])], 3);

        Assert.Equal(names.Select((n, i) => (n, forward[i])).Order(), reversed.Select((i, j) => (names[i], backward[j])).Order());
    }

    [Fact]
    public void Assign_MoreShardsThanModules_LeavesTheExtraShardsEmpty()
    {
        var shardOf = ShardPlanner.Assign(["a", "b"], [2, 1], 5);

        Assert.Equal([1, 2], shardOf);
    }

    [Fact]
    public void Digest_ModulesInAnotherOrder_DiffersAndIsStable()
    {
        Assert.Equal(ShardPlanner.Digest(["a", "b"]), ShardPlanner.Digest(["a", "b"]));
        Assert.NotEqual(ShardPlanner.Digest(["a", "b"]), ShardPlanner.Digest(["b", "a"]));
        Assert.NotEqual(ShardPlanner.Digest(["ab"]), ShardPlanner.Digest(["a", "b"]));
    }

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("3")]
    [InlineData("a/b")]
    [InlineData("1/0")]
    [InlineData("-1/4")]
    public void Parse_NotKOfN_IsAUserErrorNamingTheShard(string text)
    {
        var e = Assert.Throws<UserInputException>(() => AnalysisShard.Parse(text));

        Assert.Equal(InputField.Shard, e.Field);
        Assert.Contains($"'{text}'", e.Message);
    }

    [Fact]
    public void Parse_KOfN_ReadsBoth()
    {
        Assert.Equal(new AnalysisShard(3, 8), AnalysisShard.Parse("3/8"));
    }
}
