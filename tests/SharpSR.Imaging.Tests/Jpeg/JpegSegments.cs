namespace SharpSR.Imaging.Tests.Jpeg;

/// <summary>Test helper: finds marker segments in the header part of a JPEG (up to the first SOS) to build damaged files.</summary>
internal static class JpegSegments
{
    /// <summary>Offsets of the 0xFF of every header segment with the given marker, before the first scan.</summary>
    public static List<int> FindAll(byte[] file, byte marker)
    {
        var found = new List<int>();
        int pos = 2;
        while (pos + 4 <= file.Length && file[pos] == 0xFF)
        {
            byte m = file[pos + 1];
            if (m == marker) found.Add(pos);
            if (m == 0xDA) break;
            pos += 2 + (file[pos + 2] << 8 | file[pos + 3]);
        }
        return found;
    }

    public static int Find(byte[] file, byte marker)
    {
        var all = FindAll(file, marker);
        if (all.Count == 0) throw new InvalidOperationException($"test fixture has no 0xFF{marker:X2} segment");
        return all[0];
    }

    /// <summary>Total length of the segment at <paramref name="at"/>, marker included.</summary>
    public static int Length(byte[] file, int at) => 2 + (file[at + 2] << 8 | file[at + 3]);

    /// <summary>A copy of the file without the segments that have the given marker.</summary>
    public static byte[] Remove(byte[] file, byte marker)
    {
        var result = file.ToList();
        foreach (int at in FindAll(file, marker).OrderByDescending(x => x))
            result.RemoveRange(at, Length(file, at));
        return [.. result];
    }
}
