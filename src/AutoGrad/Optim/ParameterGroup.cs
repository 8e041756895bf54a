using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// A set of parameters with hyperparameters of their own (PyTorch's <c>param_groups</c>): a
/// learning rate, and either kind of weight decay, each null to take the optimizer's. Give an
/// optimizer a list of groups to decay exactly the tensors you mean, or to train one layer with a
/// smaller rate.
/// </summary>
/// <example>
/// <code>
/// var opt = new Adam(
///     [new ParameterGroup(body.Parameters()) { LearningRate = 1e-4 },   // a pretrained body, slowly
///      new ParameterGroup(head.Parameters())],                          // the new head, at the optimizer's rate
///     learningRate: 1e-3, decoupledWeightDecay: 0.01);
/// </code>
/// </example>
/// <param name="Parameters">The group's tensors (leaves; no tensor may be in two groups).</param>
public sealed record ParameterGroup(IEnumerable<Tensor> Parameters)
{
    /// <summary>
    /// The group's learning rate, or null for the optimizer's. A schedule scales every group's
    /// rate by the same factor (each keeps its ratio to the optimizer's rate).
    /// </summary>
    public double? LearningRate { get; init; }

    /// <summary>The group's decoupled weight decay (w ← w − η·λ·w), or null for the optimizer's.</summary>
    public double? DecoupledWeightDecay { get; init; }

    /// <summary>The group's coupled L2 weight decay (g ← g + λ·w before the rule), or null for the optimizer's.</summary>
    public double? L2WeightDecay { get; init; }

    /// <summary>
    /// The default split of a model, as the model constructors of the optimizers make it: its
    /// weights in one group (the optimizer's decays), its biases (<see cref="Module.Biases"/>) in a
    /// second with both decays 0.
    /// </summary>
    public static ParameterGroup[] WeightsAndBiases(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        // A tensor registered twice (weight sharing) is one parameter.
        static Tensor[] Once(IEnumerable<Tensor> ts) => [.. ts.Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>()];
        var biases = Once(model.Biases());
        var groups = new List<ParameterGroup> { new(Once(model.Weights())) };
        if (biases.Length > 0) groups.Add(new(biases) { DecoupledWeightDecay = 0, L2WeightDecay = 0 });
        return [.. groups];
    }
}
