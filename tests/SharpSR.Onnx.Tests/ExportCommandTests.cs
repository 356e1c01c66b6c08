using SharpSR.Cli;
using SharpSR.Onnx.Proto;
using SharpSR.Testing;
using Xunit;
using static SharpSR.Onnx.Tests.OnnxRuntimeHarness;

namespace SharpSR.Onnx.Tests;

public class ExportCommandTests(ITestOutputHelper log)
{
    private static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    // A failed request says why on one line and leaves the output folder as it was: no model, no temporary file.
    [Theory]
    [InlineData("no-such-net", "17", "unknown model 'no-such-net'")]
    [InlineData("s-lwsr16", "9", "opset 9 is too old for")]
    [InlineData("s-lwsr16", "10", "needs opset 11 or newer")]
    [InlineData("s-lwsr16", "99", "opset 99 is not supported")]
    public void Export_BadRequest_OneLineNonZeroExitNoFile(string model, string opset, string expected)
    {
        string dir = TestData.NewTempDir("sharpsr-onnx-bad");
        var (exit, _, err) = Cli("export", "--model", model, "--onnx", Path.Combine(dir, "out.onnx"), "--opset", opset);
        Assert.NotEqual(0, exit);
        Assert.Contains(expected, err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void Export_OutputFolderMissing_OneLineNonZeroExit()
    {
        string dir = TestData.NewTempDir("sharpsr-onnx-bad");
        var (exit, _, err) = Cli("export", "--model", "s-lwsr16", "--onnx", Path.Combine(dir, "missing", "out.onnx"));
        Assert.NotEqual(0, exit);
        Assert.Contains("does not exist", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void Export_OutputIsAFolder_OneLineNonZeroExitFolderUntouched()
    {
        string dir = TestData.NewTempDir("sharpsr-onnx-bad");
        string target = Directory.CreateDirectory(Path.Combine(dir, "out.onnx")).FullName;
        var (exit, _, err) = Cli("export", "--model", "s-lwsr16", "--onnx", target);
        Assert.NotEqual(0, exit);
        Assert.Contains("is a folder", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Equal([target], Directory.EnumerateFileSystemEntries(dir));
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public void Export_Bicubic_RefusedAsNotANetwork()
    {
        string dir = TestData.NewTempDir("sharpsr-onnx-bad");
        var (exit, _, err) = Cli("export", "--model", "bicubic", "--onnx", Path.Combine(dir, "out.onnx"));
        Assert.NotEqual(0, exit);
        Assert.Contains("not a network", err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    // The shipped weights by name; --input pins the size: the file declares it and runs at it within tolerance.
    [Fact]
    public void Export_ShippedModelAtFixedInput_DeclaresThatSizeAndMatches()
    {
        string dir = TestData.NewTempDir("sharpsr-onnx");
        string onnx = Export(dir, "--model", "s-lwsr16", "--input", "40x36");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        Assert.Equal([1L, 3, 36, 40], model.Graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        Assert.Equal([1L, 3, 144, 160], model.Graph.Output[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        Assert.Equal("false", model.MetadataProps.Single(p => p.Key == "dynamic_size").Value);

        var net = Inference.ModelCatalog.LoadNetwork("s-lwsr16", 4);
        var (plain, optimised, _) = MaxDifferences(onnx, net, AstronautCrop(50, 50, 40, 36));
        log.WriteLine($"s-lwsr16 x4 shipped, fixed 40x36: {plain:E2} / {optimised:E2}");
        Assert.True(plain <= Tolerance && optimised <= Tolerance, $"{plain:E2} / {optimised:E2}");
    }

    // Free height and width are declared as named dimensions, weights are initializers under their state-dict keys,
    // and every opset from the oldest the ops allow (11) to the newest supported (21) runs in ONNX Runtime.
    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(21)]
    public void Export_DynamicAtEachOpset_NamedDimsStateDictInitializersAndRuns(int opset)
    {
        string dir = TestData.NewTempDir("sharpsr-onnx");
        string onnx = Export(dir, "--model", "s-lwsr16", "--opset", opset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        Assert.Equal(opset, model.OpsetImport.Single().Version);
        Assert.Equal(["", "", "height", "width"], model.Graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimParam));
        var net = Inference.ModelCatalog.LoadNetwork("s-lwsr16", 4);
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        Assert.All(net.NamedParameters(), p => Assert.Contains(p.Name, initializers));

        var (plain, optimised, _) = MaxDifferences(onnx, net, AstronautCrop(5, 70, 33, 21));
        log.WriteLine($"s-lwsr16 x4 opset {opset} at 33x21: {plain:E2} / {optimised:E2}");
        Assert.True(plain <= Tolerance && optimised <= Tolerance, $"{plain:E2} / {optimised:E2}");
    }
}
