using System.Buffers.Binary;
using SharpSR.Imaging.Png;
using Xunit;

namespace SharpSR.Imaging.Tests.Png;

/// <summary>
/// Mutations with the chunk CRCs repaired, so the damage reaches the header, palette, zlib and filter code instead
/// of stopping at the CRC check. Decoding must succeed or throw InvalidDataException; never anything else.
/// </summary>
public class PngFuzzTests
{
    [Fact]
    public void Decode_CrcRepairedMutations_OnlyThrowInvalidData()
    {
        var rng = new Random(12345);
        int rejected = 0, accepted = 0;
        foreach (var c in TestFiles.PngCorpus())
        {
            byte[] original = TestFiles.ReadFixture($"{TestFiles.PngDir}/{c.Name}.png");
            for (int trial = 0; trial < 40; trial++)
            {
                byte[] file = (byte[])original.Clone();
                int edits = 1 + rng.Next(3);
                for (int e = 0; e < edits; e++)
                {
                    int pos = 8 + rng.Next(file.Length - 8);
                    file[pos] = rng.Next(3) switch { 0 => (byte)rng.Next(256), 1 => (byte)(file[pos] ^ (1 << rng.Next(8))), _ => 0xFF };
                }
                RepairCrcs(file);
                try
                {
                    PngDecoder.DecodeRaw(file, maxPixels: 1 << 20);
                    accepted++;
                }
                catch (InvalidDataException)
                {
                    rejected++;
                }
                catch (Exception ex)
                {
                    Assert.Fail($"{c.Name} trial {trial}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }
        Assert.True(rejected > 0 && accepted > 0, $"rejected {rejected}, accepted {accepted}");
    }

    /// <summary>Recomputes every chunk CRC whose length field still fits in the file (lengths may be mutated too).</summary>
    private static void RepairCrcs(byte[] file)
    {
        for (int pos = 8; pos + 12 <= file.Length;)
        {
            uint len = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos));
            if (len > file.Length - pos - 12) return;
            uint crc = PngTestBuilder.BitwiseCrc(file.AsSpan(pos + 4, 4 + (int)len).ToArray());
            BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(pos + 8 + (int)len), crc);
            pos += 12 + (int)len;
        }
    }
}
