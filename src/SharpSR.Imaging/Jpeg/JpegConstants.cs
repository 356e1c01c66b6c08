namespace SharpSR.Imaging.Jpeg;

/// <summary>Marker codes (the byte after 0xFF) and the zigzag scan order of ITU T.81.</summary>
internal static class JpegConstants
{
    public const byte Soi = 0xD8, Eoi = 0xD9, Sos = 0xDA, Dqt = 0xDB, Dnl = 0xDC, Dri = 0xDD;
    public const byte Sof0 = 0xC0, Sof1 = 0xC1, Sof2 = 0xC2, Dht = 0xC4, Dac = 0xCC;
    public const byte Rst0 = 0xD0, App0 = 0xE0, App1 = 0xE1, App2 = 0xE2, App14 = 0xEE, Com = 0xFE;

    /// <summary>ZigZag[k] = natural (row-major) index of the k-th coefficient in zigzag order.</summary>
    public static readonly byte[] ZigZag = BuildZigZag();

    private static byte[] BuildZigZag()
    {
        // Walk the 15 anti-diagonals s = row + col, alternating direction: up-right on even s, down-left on odd s.
        var order = new byte[64];
        int k = 0;
        for (int s = 0; s < 15; s++)
        {
            int lo = Math.Max(0, s - 7), hi = Math.Min(s, 7);
            if (s % 2 == 0)
                for (int row = hi; row >= lo; row--) order[k++] = (byte)(row * 8 + (s - row));
            else
                for (int row = lo; row <= hi; row++) order[k++] = (byte)(row * 8 + (s - row));
        }
        return order;
    }
}
