namespace AutoGrad.Kernels;

/// <summary>
/// The geometry of a 2-d pooling: <see cref="Planes"/> independent [H, W] planes (N·C of an NCHW
/// tensor), a window of kH×kW moved by (sH, sW) over the plane padded by (pH, pW) on each side,
/// giving [OH, OW] outputs per plane with OH = ⌊(H + 2pH − kH)/sH⌋ + 1 (PyTorch's floor mode).
/// The op that builds it has checked the arguments: every window overlaps the plane.
/// </summary>
/// <param name="Planes">Number of planes (N·C).</param>
/// <param name="H">Input height.</param>
/// <param name="W">Input width.</param>
/// <param name="KH">Window height.</param>
/// <param name="KW">Window width.</param>
/// <param name="SH">Vertical stride.</param>
/// <param name="SW">Horizontal stride.</param>
/// <param name="PH">Rows of padding above and below.</param>
/// <param name="PW">Columns of padding left and right.</param>
public readonly record struct Pool2dGeometry(int Planes, int H, int W, int KH, int KW, int SH, int SW, int PH, int PW)
{
    /// <summary>Output height.</summary>
    public int OH => (H + 2 * PH - KH) / SH + 1;

    /// <summary>Output width.</summary>
    public int OW => (W + 2 * PW - KW) / SW + 1;

    /// <summary>True when the windows tile the plane exactly: no padding, stride = window, sizes divisible (each input element is in one window).</summary>
    public bool Tiles => PH == 0 && PW == 0 && SH == KH && SW == KW && H % KH == 0 && W % KW == 0;
}
