using ModelGate.Core.Registries.Datasets;

namespace ModelGate.Core.Tests.Registries.Datasets;

public sealed class DatasetSplitLayoutTests
{
    [Fact]
    public void Pick_UploadersConfigLayout_TakesTheSplitsShardsInOrder()
    {
        string[] paths = ["wikitext-2-raw-v1/train-00001-of-00002.parquet", "wikitext-2-raw-v1/test-00000-of-00001.parquet",
            "wikitext-2-raw-v1/train-00000-of-00002.parquet", "wikitext-103-raw-v1/train-00000-of-00001.parquet", "README.md"];

        Assert.Equal(["wikitext-2-raw-v1/train-00000-of-00002.parquet", "wikitext-2-raw-v1/train-00001-of-00002.parquet"],
            DatasetSplitLayout.Pick(paths, "wikitext-2-raw-v1", "train"));
    }

    [Fact]
    public void Pick_SingleConfigDataFolder_IsTheDefaultConfig()
    {
        string[] paths = ["data/validation-00000-of-00001.parquet", "data/train-00000-of-00001.parquet"];

        Assert.Equal(["data/validation-00000-of-00001.parquet"], DatasetSplitLayout.Pick(paths, null, "validation"));
    }

    [Fact]
    public void Pick_ConvertedParquetBranch_TakesTheSplitsFolder()
    {
        string[] paths = ["ARC-Easy/test/0000.parquet", "ARC-Easy/train/0000.parquet", "ARC-Easy/test/0001.parquet", "ARC-Challenge/test/0000.parquet"];

        Assert.Equal(["ARC-Easy/test/0000.parquet", "ARC-Easy/test/0001.parquet"], DatasetSplitLayout.Pick(paths, "ARC-Easy", "test"));
    }

    [Fact]
    public void Pick_SplitNameThatPrefixesAnother_DoesNotTakeTheOther()
    {
        string[] paths = ["default/test-00000-of-00001.parquet", "default/test_hard-00000-of-00001.parquet"];

        Assert.Equal(["default/test-00000-of-00001.parquet"], DatasetSplitLayout.Pick(paths, null, "test"));
    }

    [Fact]
    public void Pick_NoLayoutMatches_IsEmpty()
    {
        Assert.Empty(DatasetSplitLayout.Pick(["data/train.jsonl"], null, "train"));
    }
}
