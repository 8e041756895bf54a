// Note 004's dropout example (L249-302): W⁽¹⁾ = [[1,2,3],[4,5,6],[7,8,9]], W⁽²⁾ = [[1,2,3],[4,5,6]],
// no biases, x = [0, 1, 2], h = W⁽¹⁾x and ŷ = W⁽²⁾h. "If we drop the red neurons, then we will obtain
// ŷ = [60, 132]." The figure with the red neurons is lost; the only choice that gives these numbers
// is the second input and the second hidden unit (the first input is 0, so dropping it changes
// nothing). With every unit kept ŷ = [120, 273].
//
// The network is built from the library's Linear and Dropout modules. Linear computes x·W, so it
// gets the transposes of the note's matrices; the Dropout modules get fixed keep masks.
using AutoGrad;
using AutoGrad.NN;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}
static string Vec(Tensor t) => "[" + string.Join(", ", t.ToDoubleArray()) + "]";
static bool Equal(Tensor t, params double[] expected) => t.ToDoubleArray().SequenceEqual(expected);

var w1 = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } });
var w2 = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
var x = Tensor.FromArray(new double[] { 0, 1, 2 });

// p = 0.5 is the DROP probability here (note 004 calls the keep probability p; both are ½).
// ScaleAtTest is the notes' form: no scaling while training, outputs times (1 − p) at test time.
var gen = new Generator(0);
var inputDrop = new Dropout(0.5, gen, DropoutMode.ScaleAtTest);
var hiddenDrop = new Dropout(0.5, gen, DropoutMode.ScaleAtTest);
var layer1 = Linear.FromWeights(w1.T);
var layer2 = Linear.FromWeights(w2.T);
var net = new Sequential(inputDrop, layer1, hiddenDrop, layer2);

Tensor Run(double[] inputMask, double[] hiddenMask)
{
    inputDrop.FixedMask = Tensor.FromArray(inputMask);
    hiddenDrop.FixedMask = Tensor.FromArray(hiddenMask);
    return net.Forward(x);
}

Console.WriteLine("1. forward passes");
var full = Run([1, 1, 1], [1, 1, 1]);
Console.WriteLine($"  every unit kept:      h = W1·x = {Vec(layer1.Forward(x))}, ŷ = W2·h = {Vec(full)}");
Check("ŷ = [120, 273] with all units (1·8 + 2·17 + 3·26 = 120, 4·8 + 5·17 + 6·26 = 273)", Equal(full, 120, 273));
var thinned = Run([1, 0, 1], [1, 0, 1]);
Console.WriteLine($"  x2 and h2 dropped:    x̃ = [0, 0, 2], h̃ = {Vec(hiddenDrop.Forward(layer1.Forward(inputDrop.Forward(x))))}, ŷ = {Vec(thinned)}");
Check("ŷ = [60, 132] with the second input and the second hidden unit dropped, unscaled (1·6 + 3·18, 4·6 + 6·18)", Equal(thinned, 60, 132));

// 2. Which of the 2³ × 2³ masks give the note's numbers?
Console.WriteLine("\n2. all 64 choices of dropped inputs and hidden units");
double[] Mask(int bits) => [(bits >> 0) & 1, (bits >> 1) & 1, (bits >> 2) & 1]; // bit k set: unit k + 1 kept
static string Kept(double[] mask) => "[" + string.Join(", ", mask) + "]";
var matches = new List<(int Inputs, int Hidden)>();
var outputs = new List<Tensor>();
for (int inBits = 0; inBits < 8; inBits++)
    for (int hidBits = 0; hidBits < 8; hidBits++)
    {
        var y = Run(Mask(inBits), Mask(hidBits));
        outputs.Add(y);
        if (Equal(y, 60, 132)) matches.Add((inBits, hidBits));
    }
foreach (var (inBits, hidBits) in matches)
    Console.WriteLine($"  gives [60, 132]: inputs kept {Kept(Mask(inBits))}, hidden units kept {Kept(Mask(hidBits))}");
// Input 3 kept, input 2 dropped, input 1 either way; hidden units 1 and 3 kept, 2 dropped.
Check("exactly two masks give [60, 132]: hidden unit 2 and input 2 dropped, input 1 (whose value is 0) either way",
    matches.Order().SequenceEqual([(0b100, 0b101), (0b101, 0b101)]));

// 3. Backpropagation through the thinned network: "we update the weights of only those neurons
//    that were retained" (L302).
Console.WriteLine("\n3. gradients of ŷ₁ + ŷ₂ on the thinned network, in the note's layout");
net.ZeroGrad();
Run([1, 0, 1], [1, 0, 1]).Sum().Backward();
var g1 = layer1.Weight.Grad!.T; // Linear holds W1ᵀ; transpose back to the note's W1
var g2 = layer2.Weight.Grad!.T;
Console.WriteLine($"  ∂/∂W1 = {g1.ToString().Replace("\n", "\n         ")}");
Console.WriteLine($"  ∂/∂W2 = {g2.ToString().Replace("\n", "\n         ")}");
bool droppedGetNothing = Enumerable.Range(0, 3).All(k => g1[k, 1] == 0 && g1[1, k] == 0) && g2[0, 1] == 0 && g2[1, 1] == 0;
bool othersDo = g1[0, 2] != 0 && g1[2, 2] != 0 && g2[0, 0] != 0 && g2[1, 2] != 0;
Check("column 2 of W1 (from input 2), row 2 of W1 (into hidden unit 2) and column 2 of W2 (out of hidden unit 2) get zero gradient; the others do not",
    droppedGetNothing && othersDo);

// 4. Test time. The notes' rule: use every unit but scale by the keep probability (1 − p). For
//    this linear network E[ŷ] over the 64 equally likely masks is exactly that scaled output.
Console.WriteLine("\n4. test time, keep probability ½ on inputs and hidden units");
var mean = outputs.Aggregate((s, t) => s + t) / outputs.Count;
net.Eval();
var scaled = net.Forward(x);
Console.WriteLine($"  mean of ŷ over the 64 masks = {Vec(mean)}");
Console.WriteLine($"  notes' form at test time      = {Vec(scaled)} = ½·½·[120, 273]");
Check("the test-time output (1 − p)²·[120, 273] = [30, 68.25] is the average thinned network's output", Equal(scaled, 30, 68.25) && Equal(mean, 30, 68.25));

// Inverted dropout (not in the notes; what PyTorch does) scales by 1/(1 − p) while training instead.
var invIn = new Dropout(0.5, gen, DropoutMode.Inverted) { FixedMask = Tensor.FromArray(new double[] { 1, 0, 1 }) };
var invHid = new Dropout(0.5, gen, DropoutMode.Inverted) { FixedMask = Tensor.FromArray(new double[] { 1, 0, 1 }) };
var inverted = new Sequential(invIn, Linear.FromWeights(w1.T), invHid, Linear.FromWeights(w2.T));
var invTrain = inverted.Forward(x);
inverted.Eval();
var invTest = inverted.Forward(x);
Console.WriteLine($"  inverted dropout, same mask   = {Vec(invTrain)} while training, {Vec(invTest)} at test time");
Check("inverted dropout gives [60, 132]/(½·½) = [240, 528] while training and the full [120, 273] at test time",
    Equal(invTrain, 240, 528) && Equal(invTest, 120, 273));

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
