namespace AutoGrad.Kernels;

/// <summary>
/// The sizes of a 2-d convolution in NCHW layout, already validated: input [N, C, H, W], weight
/// [O, C/Groups, KH, KW], output [N, O, OH, OW]; strides, zero padding and dilations per axis.
/// A 1-d convolution is the case H = KH = 1. Unfold and fold use it with O = 0 and one group.
/// </summary>
internal readonly record struct ConvGeometry(
    int N, int C, int H, int W, int O, int Groups,
    int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW)
{
    /// <summary>Output height: ⌊(H + 2·PH − DH·(KH − 1) − 1) / SH⌋ + 1.</summary>
    public int OH => (H + 2 * PH - DH * (KH - 1) - 1) / SH + 1;

    /// <summary>Output width: ⌊(W + 2·PW − DW·(KW − 1) − 1) / SW⌋ + 1.</summary>
    public int OW => (W + 2 * PW - DW * (KW - 1) - 1) / SW + 1;

    /// <summary>Output positions per channel (the columns of the im2col matrix).</summary>
    public int L => OH * OW;

    /// <summary>Input channels per group.</summary>
    public int Cg => C / Groups;

    /// <summary>Output channels per group.</summary>
    public int Og => O / Groups;

    /// <summary>Rows of one group's im2col matrix: Cg·KH·KW.</summary>
    public int Kg => Cg * KH * KW;

    /// <summary>A 1×1 kernel with stride 1 and no padding: the im2col matrix is the input itself.</summary>
    public bool IsPointwise => KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0;
}
