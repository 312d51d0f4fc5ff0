using System.Globalization;
using System.Text.Json;
using ServingBench.Wire.Codecs.TfServing;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Clients;

/// <summary>Reads a model's signature from a REST metadata endpoint (TF Serving, Triton); TorchServe publishes none.</summary>
internal static class RestMetadata
{
    public static async Task<ModelSignature> FetchAsync(
        HttpClient http, Framework framework, string modelName, ModelSignature catalogueModel, CancellationToken cancellationToken)
    {
        string model = Uri.EscapeDataString(modelName);
        string path = framework switch
        {
            Framework.TfServing => $"v1/models/{model}/metadata",
            Framework.Triton => $"v2/models/{model}",

            // TorchServe has no tensor metadata (handlers define their own I/O): check it is up, use the catalogue.
            Framework.TorchServe => "ping",
            _ => throw new ArgumentOutOfRangeException(nameof(framework)),
        };
        var uri = new Uri(http.BaseAddress!, path);
        using var response = await http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw RestInferenceClient.ErrorFrom(response.StatusCode, body, uri);
        }

        try
        {
            return framework switch
            {
                Framework.TfServing => ParseTfServing(body, modelName),
                Framework.Triton => ParseTriton(body, modelName),
                _ => catalogueModel with { Name = modelName },
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new WireFormatException($"unreadable metadata from {uri}: {ex.Message}", ex);
        }
    }

    /// <summary>metadata.signature_def.signature_def.serving_default.{inputs,outputs}: alias → {dtype, tensor_shape.dim[].size}.</summary>
    public static ModelSignature ParseTfServing(byte[] body, string modelName)
    {
        using var document = JsonDocument.Parse(body);
        var signature = document.RootElement.GetProperty("metadata").GetProperty("signature_def")
            .GetProperty("signature_def").GetProperty(TfServingControl.DefaultSignature);
        return new ModelSignature(modelName, TfTensors(signature.GetProperty("inputs")), TfTensors(signature.GetProperty("outputs")));
    }

    /// <summary>KServe v2 model metadata: inputs/outputs [{name, datatype, shape}].</summary>
    public static ModelSignature ParseTriton(byte[] body, string modelName)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        return new ModelSignature(modelName, KServeTensors(root.GetProperty("inputs")), KServeTensors(root.GetProperty("outputs")));
    }

    private static List<TensorSpec> TfTensors(JsonElement map)
    {
        var specs = new List<TensorSpec>();
        foreach (var entry in map.EnumerateObject())
        {
            var dims = new List<long>();
            if (entry.Value.TryGetProperty("tensor_shape", out var shape) && shape.TryGetProperty("dim", out var dimArray))
            {
                foreach (var dim in dimArray.EnumerateArray())
                {
                    // int64 travels as a JSON string in proto3 JSON.
                    var size = dim.GetProperty("size");
                    dims.Add(size.ValueKind == JsonValueKind.String
                        ? long.Parse(size.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
                        : size.GetInt64());
                }
            }

            specs.Add(new TensorSpec(entry.Name, TfDataTypes.FromName(entry.Value.GetProperty("dtype").GetString()!), [.. dims]));
        }

        return specs;
    }

    private static List<TensorSpec> KServeTensors(JsonElement array)
    {
        var specs = new List<TensorSpec>();
        foreach (var tensor in array.EnumerateArray())
        {
            var dims = tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            specs.Add(new TensorSpec(tensor.GetProperty("name").GetString()!, DataTypeInfo.ParseKServeName(tensor.GetProperty("datatype").GetString()), dims));
        }

        return specs;
    }
}
