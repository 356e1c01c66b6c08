using System.Text;
using SharpSR.Core.Serialization;
using Xunit;

namespace SharpSR.Core.Tests.Serialization;

/// <summary>Inputs the AFL++ fuzzer (bench/fuzz) found, kept as they were found: each must be a format error.</summary>
public class SafeTensorsFuzzFindingsTests
{
    /// <summary>A tensor name with bytes that are not UTF-8 (0x94): JsonDocument threw InvalidOperationException on reading it.</summary>
    [Fact]
    public void Parse_TensorNameNotUtf8_IsAFormatError()
    {
        byte[] input =
        [
            0x38, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7b, 0x22, 0x94, 0x22,
            0x3a, 0x7b, 0x22, 0x64, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x22, 0x46,
            0x33, 0x32, 0x22, 0x2c, 0x22, 0x73, 0x68, 0x61, 0x70, 0x65, 0x23, 0x3a,
            0x5b, 0x31, 0x5d, 0x2c, 0xb2, 0x64, 0x5d, 0x74, 0x61, 0x5f, 0x6f, 0x66,
            0x66, 0x73, 0x65, 0x74, 0x73, 0x22, 0x3a, 0x5b, 0x30, 0x2c, 0x34, 0x5d,
            0x7d, 0x7d, 0x20, 0x20, 0x00, 0x00, 0x80, 0x3f,
        ];
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(input));
        Assert.Contains("UTF-8", e.Message);
    }

    /// <summary>The same in a metadata value, in a file that is otherwise valid.</summary>
    [Fact]
    public void Parse_MetadataValueNotUtf8_IsAFormatError()
    {
        byte[] file = SafeTensorsFile.Serialize([new("w", Tensor.Full(1f, 2))], new Dictionary<string, string> { ["note"] = "AB" });
        int at = Encoding.ASCII.GetString(file).IndexOf("\"AB\"", StringComparison.Ordinal) + 1;
        file[at] = 0xC3;   // a lead byte followed by 'B': not UTF-8
        Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(file));
    }
}
