namespace ServingBench.Wire.Codecs.Protobuf;

/// <summary>How a repeated scalar field is encoded: fixed-width (float, double), varint, or varint bool.</summary>
internal enum ScalarWire
{
    Fixed,
    Varint,
    Bool,
}

/// <summary>
/// One typed repeated field that carries tensor elements (TF float_val, Triton int64_contents ...): its field
/// number, encoding, and the width and signedness of the tensor elements it carries (TF int_val carries INT8
/// elements as int32 values, for instance).
/// </summary>
internal sealed record ScalarField(string Name, int Number, ScalarWire Wire, int ElementSize, bool Signed);
