namespace AutoGrad.NN;

/// <summary>What <see cref="Perceptron.Fit"/> did.</summary>
/// <param name="Converged">True when an epoch made no mistake, so the weights separate the training data.</param>
/// <param name="Epochs">Passes over the data that were run.</param>
/// <param name="MistakesPerEpoch">Number of examples misclassified (and so updated on) in each epoch.</param>
public sealed record PerceptronFitResult(bool Converged, int Epochs, IReadOnlyList<int> MistakesPerEpoch);
