using System.Buffers.Binary;
using System.Text;

namespace SharpSR.Benchmarks.Peers;

/// <summary>
/// Marks version requirements of an ELF64 shared library weak (VER_FLG_WEAK in its .gnu.version_r entries),
/// so the dynamic loader accepts a system library that lacks that version. TorchSharp's libLibTorchSharp.so
/// asks for GLIBCXX_3.4.32 (GCC 13) only for the marker symbol std::ios_base_library_init, which nothing
/// relocates against; Debian 12's libstdc++ stops at 3.4.30. Only the copy in the build output is patched,
/// by writing a new file over it, so a shared package cache is never modified.
/// </summary>
public static class ElfVersionNeeds
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>Marks <paramref name="versions"/> weak in <paramref name="path"/>; returns how many entries changed.</summary>
    public static int MarkWeak(string path, params string[] versions)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{path} is not a little-endian ELF64 file");
        var s = elf.AsSpan();
        long shoff = Read64(s, 0x28);
        int shentsize = Read16(s, 0x3A), shnum = Read16(s, 0x3C);
        int changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            long sh = Checked(elf, shoff + (long)i * shentsize, 64);
            if (Read32(s, sh + 4) != ShtGnuVerneed) continue;
            long offset = Read64(s, sh + 0x18);
            int count = (int)Read32(s, sh + 0x2C);
            long strtab = Read64(s, Checked(elf, shoff + (long)Read32(s, sh + 0x28) * shentsize, 64) + 0x18);
            long need = offset;
            for (int n = 0; n < count; n++)
            {
                Checked(elf, need, 16);
                int auxCount = Read16(s, need + 2);
                long aux = need + Read32(s, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    Checked(elf, aux, 16);
                    string name = CString(elf, strtab + Read32(s, aux + 8));
                    int flags = Read16(s, aux + 4);
                    if (versions.Contains(name) && (flags & VerFlagWeak) == 0)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(s[(int)(aux + 4)..], (ushort)(flags | VerFlagWeak));
                        changed++;
                    }
                    aux += Read32(s, aux + 12);
                }
                need += Read32(s, need + 12);
            }
        }
        if (changed > 0)
        {
            // A new file moved over the old one: a hard link into a package cache keeps the original.
            string temp = path + ".patching";
            File.WriteAllBytes(temp, elf);
            File.Move(temp, path, overwrite: true);
        }
        return changed;
    }

    private static long Checked(byte[] elf, long at, int length) =>
        at >= 0 && at + length <= elf.Length ? at : throw new InvalidDataException("ELF structure points outside the file");

    private static int Read16(ReadOnlySpan<byte> s, long at) => BinaryPrimitives.ReadUInt16LittleEndian(s[(int)at..]);
    private static uint Read32(ReadOnlySpan<byte> s, long at) => BinaryPrimitives.ReadUInt32LittleEndian(s[(int)at..]);
    private static long Read64(ReadOnlySpan<byte> s, long at) => (long)BinaryPrimitives.ReadUInt64LittleEndian(s[(int)at..]);

    private static string CString(byte[] elf, long at)
    {
        Checked(elf, at, 1);
        int end = Array.IndexOf(elf, (byte)0, (int)at);
        return Encoding.ASCII.GetString(elf, (int)at, (end < 0 ? elf.Length : end) - (int)at);
    }
}
