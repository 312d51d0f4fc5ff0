namespace ServingBench.Wire.Codecs;

/// <summary>The frameworks' real gRPC service names (package.Service), shared by the clients and the emulators.</summary>
public static class GrpcServices
{
    public const string TfPredictionService = "tensorflow.serving.PredictionService";
    public const string TfModelService = "tensorflow.serving.ModelService";
    public const string TorchServeInference = "org.pytorch.serve.grpc.inference.InferenceAPIsService";
    public const string TritonService = "inference.GRPCInferenceService";

    /// <summary>The floor rows' echo method: same framing, no codec.</summary>
    public const string EchoService = "servingbench.Echo";
}
