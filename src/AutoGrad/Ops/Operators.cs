using System.Runtime.CompilerServices;

namespace AutoGrad;

// The C# operators on tensors, each one call of a primitive (or of a composition for c / x and
// c − x). Operators carry no caller information, so the nodes they record have an unknown source
// line unless DebugSettings.CaptureStackTraces is on.

public sealed partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b, "", 0);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b, "", 0);

    /// <summary>Elementwise product with broadcasting (not matrix multiply: see <see cref="Matmul(Tensor, Tensor, string, int)"/>).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b, "", 0);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b, "", 0);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg("", 0);

    /// <summary>x + c.</summary>
    public static Tensor operator +(Tensor a, double c) => a.AddScalar(c, "", 0);

    /// <summary>c + x.</summary>
    public static Tensor operator +(double c, Tensor a) => a.AddScalar(c, "", 0);

    /// <summary>x − c.</summary>
    public static Tensor operator -(Tensor a, double c) => a.AddScalar(-c, "", 0);

    /// <summary>c − x.</summary>
    public static Tensor operator -(double c, Tensor a) => a.Neg("", 0).AddScalar(c, "", 0);

    /// <summary>x · c.</summary>
    public static Tensor operator *(Tensor a, double c) => a.MulScalar(c, "", 0);

    /// <summary>c · x.</summary>
    public static Tensor operator *(double c, Tensor a) => a.MulScalar(c, "", 0);

    /// <summary>x / c.</summary>
    public static Tensor operator /(Tensor a, double c) => a.MulScalar(1.0 / c, "", 0);

    /// <summary>c / x.</summary>
    public static Tensor operator /(double c, Tensor a) => a.Pow(-1, "", 0).MulScalar(c, "", 0);
}
