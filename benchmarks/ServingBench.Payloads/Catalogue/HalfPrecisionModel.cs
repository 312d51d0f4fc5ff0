using ServingBench.Wire.Scenarios;

namespace ServingBench.Payloads.Catalogue;

/// <summary>
/// A model served with its FP32 tensors as FP16 or BF16 (<c>resnet50_fp16</c>), as a deployment does to halve the
/// bytes: the same handler, files and answers as its base entry, with the float input and output in the half type.
/// Files are preprocessed to FP32 as the base does and then rounded; the stock handler widens the answer back first.
/// </summary>
internal sealed class HalfPrecisionModel(CatalogueModel baseModel, DataType type) : CatalogueModel(
    Narrow(baseModel.Signature, type), baseModel.FileDescription, baseModel.FileContentType)
{
    public override CatalogueModel BaseModel { get; } = baseModel;

    public override DataType FloatType { get; } = type;

    public override int? GeneratedLength => BaseModel.GeneratedLength;

    public override long CheckFile(ModelSignature served, ReadOnlySpan<byte> file) => BaseModel.CheckFile(Widen(served), file);

    public override long OutputLength(long inputLength) => BaseModel.OutputLength(inputLength);

    public override Tensor[] CannedOutputs(ModelSignature served, long batch, long outputLength) =>
        [.. BaseModel.CannedOutputs(Widen(served), batch, outputLength).Select(NarrowFloats)];

    public override void WriteStockAnswer(Tensor output, IBufferWriter<byte> body) => BaseModel.WriteStockAnswer(HalfPrecision.Widen(output), body);

    private protected override Tensor PreprocessFiles(ModelSignature served, IReadOnlyList<ReadOnlyMemory<byte>> files, string source) =>
        NarrowFloats(BaseModel.Preprocess(Widen(served), files, source));

    private Tensor NarrowFloats(Tensor tensor) => tensor.DataType == DataType.FP32 ? HalfPrecision.Narrow(tensor, FloatType) : tensor;

    /// <summary>The served signature with the half type's tensors back in FP32: what the base entry's methods read.</summary>
    private ModelSignature Widen(ModelSignature served) => served with
    {
        Inputs = [.. served.Inputs.Select(s => s.DataType == FloatType ? s with { DataType = DataType.FP32 } : s)],
        Outputs = [.. served.Outputs.Select(s => s.DataType == FloatType ? s with { DataType = DataType.FP32 } : s)],
    };

    private static ModelSignature Narrow(ModelSignature signature, DataType type) => signature with
    {
        Name = PayloadKind.HalfModelName(signature.Name, type),
        Inputs = [.. signature.Inputs.Select(s => s.DataType == DataType.FP32 ? s with { DataType = type } : s)],
        Outputs = [.. signature.Outputs.Select(s => s.DataType == DataType.FP32 ? s with { DataType = type } : s)],
    };
}
