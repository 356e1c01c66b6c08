namespace SharpSR.Imaging.Jpeg;

/// <summary>One colour component of a frame: its sampling, geometry in blocks, and decoded coefficients.</summary>
internal sealed class JpegComponent
{
    public required int Id { get; init; }
    public required int Index { get; init; }
    public required int H { get; init; }
    public required int V { get; init; }
    public required int QuantTable { get; init; }

    /// <summary>Real samples of this component: ceil(width·H/Hmax) × ceil(height·V/Vmax).</summary>
    public int Width { get; set; }
    public int Height { get; set; }

    /// <summary>Blocks covering the real samples (the extent of a non-interleaved scan).</summary>
    public int BlocksWide { get; set; }
    public int BlocksHigh { get; set; }

    /// <summary>Blocks covering whole MCUs (the extent of an interleaved scan, and of the coefficient store).</summary>
    public int PaddedBlocksWide { get; set; }
    public int PaddedBlocksHigh { get; set; }

    /// <summary>64 coefficients per block, natural order, not yet dequantised; allocated at the component's first scan.</summary>
    public short[]? Coefficients { get; set; }

    /// <summary>The quantisation table in force at the component's first scan (natural order).</summary>
    public ushort[]? Quant { get; set; }

    /// <summary>Whether a DC-first scan has covered this component (progressive mode).</summary>
    public bool HasDc { get; set; }

    public int DcPredictor;
    public JpegHuffmanTable? DcTable;
    public JpegHuffmanTable? AcTable;
}
