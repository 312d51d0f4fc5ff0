using ServingBench.Wire.Codecs.TfServing;
using ServingBench.Wire.Codecs.TorchServe;
using ServingBench.Wire.Codecs.Triton;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Codecs;

/// <summary>The codec of each scenario in the catalogue.</summary>
public static class WireCodecs
{
    public static IWireCodec Create(Scenario scenario, ModelSignature model)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(model);
        return (scenario.Framework, scenario.Protocol, scenario.Encoding) switch
        {
            (Framework.TfServing, Protocol.Rest, Encoding.JsonRow) => new TfServingRestCodec(scenario, model),
            (Framework.TfServing, Protocol.Rest, Encoding.JsonCol) => new TfServingRestCodec(scenario, model),
            (Framework.TfServing, Protocol.Grpc, Encoding.Typed) => new TfServingGrpcCodec(scenario, model),
            (Framework.TfServing, Protocol.Grpc, Encoding.Raw) => new TfServingGrpcCodec(scenario, model),
            (Framework.TorchServe, Protocol.Rest, Encoding.Raw) => new TorchServeRestCodec(scenario, model),
            (Framework.TorchServe, Protocol.Rest, Encoding.Json) => new TorchServeRestCodec(scenario, model),
            (Framework.TorchServe, Protocol.Grpc, Encoding.Raw) => new TorchServeGrpcCodec(scenario, model),
            (Framework.Triton, Protocol.Rest, Encoding.Json) => new TritonRestCodec(scenario, model),
            (Framework.Triton, Protocol.Rest, Encoding.Binary) => new TritonRestCodec(scenario, model),
            (Framework.Triton, Protocol.Grpc, Encoding.Typed) => new TritonGrpcCodec(scenario, model),
            (Framework.Triton, Protocol.Grpc, Encoding.Raw) => new TritonGrpcCodec(scenario, model),
            _ => throw new ArgumentException($"scenario '{scenario.Name}' is not in the catalogue", nameof(scenario)),
        };
    }
}
