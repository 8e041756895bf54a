using AutoGrad.Data;

namespace AutoGrad.Cli.Training;

/// <summary>What <c>--model cnn</c> builds before its dense head: the input images, the output channels of each conv-ReLU-pool block (<c>--conv</c>), and whether each convolution is followed by batch norm (<c>--batch-norm</c>).</summary>
public sealed record ConvSpec(ImageShape Image, int[] Channels, bool BatchNorm);
