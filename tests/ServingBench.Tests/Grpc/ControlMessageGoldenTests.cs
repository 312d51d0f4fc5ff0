using Google.Protobuf;
using ServingBench.Wire.Codecs.Protobuf;
using ServingBench.Wire.Codecs.TfServing;
using ServingBench.Wire.Codecs.Triton;
using ServingBench.Wire.Protos.Kserve;
using ServingBench.Wire.Protos.TfServing;
using ServingBench.Wire.Protos.TorchServe;
using DataType = ServingBench.Wire.Tensors.DataType;

namespace ServingBench.Tests.Grpc;

/// <summary>
/// The control-plane messages (health, metadata, status, config) as the emulators send them and the clients
/// read them. The expected bytes were written by the hand-written encoder these generated types replaced, so
/// the move to one protobuf path changed nothing on the wire; each also reads back into what it was made from.
/// </summary>
public sealed class ControlMessageGoldenTests
{
    private static readonly ModelSignature Model = new(
        "m",
        [new TensorSpec("pixel_values", DataType.FP32, [-1, 3, 224, 224]), new TensorSpec("ids", DataType.Int64, [-1, -1]), new TensorSpec("text", DataType.Bytes, [1])],
        [new TensorSpec("logits", DataType.FP32, [-1, 1000]), new TensorSpec("flags", DataType.Bool, [0])]);

    [Fact]
    public void Triton_Health_And_Model_Requests_Keep_Their_Bytes()
    {
        Assert.Equal("0801", Hex(new ServerLiveResponse { Live = true }));
        Assert.Equal("", Hex(new ModelReadyResponse { Ready = false }));
        Assert.Equal("0A0462617274120133", Hex(new ModelReadyRequest { Name = "bart", Version = "3" }));
        Assert.Equal("0A0462617274", Convert.ToHexString(TritonControl.MetadataRequest("bart")));
        Assert.Equal(
            "0A06747269746F6E1206322E36312E301A0E636C617373696669636174696F6E1A1262696E6172795F74656E736F725F"
            + "64617461",
            Hex(new ServerMetadataResponse { Name = "triton", Version = "2.61.0", Extensions = { "classification", "binary_tensor_data" } }));
        var statistics = new ModelStatisticsResponse { ModelStats = { new ModelStatistics { Name = "a", Version = "1" }, new ModelStatistics { Name = "b", Version = "1" } } };
        Assert.Equal("0A060A01611201310A060A0162120131", Hex(statistics));
    }

    [Fact]
    public void Triton_Metadata_And_Config_Keep_Their_Bytes_And_Read_Back()
    {
        var metadata = TritonControl.Metadata(Model, ["1"], "onnxruntime_onnx");
        Assert.Equal(
            "0A016D1201311A106F6E6E7872756E74696D655F6F6E6E7822250A0C706978656C5F76616C7565731204465033321A0F"
            + "FFFFFFFFFFFFFFFFFF0103E001E00122220A036964731205494E5436341A14FFFFFFFFFFFFFFFFFF01FFFFFFFFFFFFFF"
            + "FFFF0122100A0474657874120542595445531A01012A1C0A066C6F676974731204465033321A0CFFFFFFFFFFFFFFFFFF"
            + "01E8072A100A05666C6167731204424F4F4C1A0100",
            Hex(metadata));
        Assert.Equal(
            "0A9A010A016D12106F6E6E7872756E74696D655F6F6E6E782A210A0C706978656C5F76616C756573100B220FFFFFFFFF"
            + "FFFFFFFFFF0103E001E0012A1D0A0369647310092214FFFFFFFFFFFFFFFFFF01FFFFFFFFFFFFFFFFFF012A0B0A047465"
            + "7874100D22010132180A066C6F67697473100B1A0CFFFFFFFFFFFFFFFFFF01E807320C0A05666C61677310011A01008A"
            + "010B6F6E6E7872756E74696D65",
            Hex(TritonControl.Config(Model, "onnxruntime_onnx", "onnxruntime")));

        var read = TritonControl.ReadSignature(metadata.ToByteArray());
        Assert.Equal(Model.Inputs, read.Inputs, SpecComparer.Instance);
        Assert.Equal(Model.Outputs, read.Outputs, SpecComparer.Instance);
    }

    [Fact]
    public void TfServing_Requests_Status_And_Metadata_Keep_Their_Bytes_And_Read_Back()
    {
        Assert.Equal("0A060A0462617274", Hex(new GetModelStatusRequest { ModelSpec = new ModelSpec { Name = "bart" } }));
        Assert.Equal("0A060A0462617274120D7369676E61747572655F646566", Convert.ToHexString(TfServingControl.MetadataRequest("bart")));
        Assert.Equal(
            "0A0A0A046261727412020807120D7369676E61747572655F646566",
            Hex(new GetModelMetadataRequest { ModelSpec = new ModelSpec { Name = "bart", Version = 7 }, MetadataField = { TfServingControl.SignatureDefField } }));
        Assert.Equal("0A060801101E1A00", Hex(TfServingControl.Available(1)));

        var metadata = TfServingControl.Metadata(Model, 1);
        Assert.Equal(
            "0A070A016D1202080112A2030A0D7369676E61747572655F6465661290030A36747970652E676F6F676C65617069732E"
            + "636F6D2F74656E736F72666C6F772E73657276696E672E5369676E61747572654465664D617012D5020AD2020A0F7365"
            + "7276696E675F64656661756C7412BE020A4F0A0C706978656C5F76616C756573123F0A1E73657276696E675F64656661"
            + "756C745F706978656C5F76616C7565733A3010011A1B120B08FFFFFFFFFFFFFFFFFF0112020803120308E001120308E0"
            + "010A3C0A0369647312350A1573657276696E675F64656661756C745F6964733A3010091A1A120B08FFFFFFFFFFFFFFFF"
            + "FF01120B08FFFFFFFFFFFFFFFFFF010A280A047465787412200A1673657276696E675F64656661756C745F746578743A"
            + "3010071A0412020801123B0A066C6F6769747312310A19537461746566756C506172746974696F6E656443616C6C3A30"
            + "10011A12120B08FFFFFFFFFFFFFFFFFF01120308E807122A0A05666C61677312210A19537461746566756C5061727469"
            + "74696F6E656443616C6C3A30100A1A0212001A1A74656E736F72666C6F772F73657276696E672F70726564696374",
            Hex(metadata));

        var read = TfServingControl.ReadSignature(metadata.ToByteArray(), "m");
        Assert.Equal(Model.Inputs, read.Inputs, SpecComparer.Instance);
        Assert.Equal(Model.Outputs, read.Outputs, SpecComparer.Instance);
    }

    [Fact]
    public void TorchServe_Health_Keeps_Its_Bytes()
    {
        Assert.Equal("0A1A7B0A202022737461747573223A20224865616C746879220A7D0A", Hex(new TorchServeHealthResponse { Health = "{\n  \"status\": \"Healthy\"\n}\n" }));
    }

    [Fact]
    public void Malformed_Control_Message_Is_A_WireFormatException()
    {
        Assert.Throws<WireFormatException>(() => GeneratedMessages.Parse(ModelMetadataResponse.Parser, new byte[] { 0x22, 0x10, 0x01 }));
    }

    private static string Hex(IMessage message) => Convert.ToHexString(message.ToByteArray());

    private sealed class SpecComparer : IEqualityComparer<TensorSpec>
    {
        public static SpecComparer Instance { get; } = new();

        public bool Equals(TensorSpec? x, TensorSpec? y) =>
            x is not null && y is not null && x.Name == y.Name && x.DataType == y.DataType && x.Shape.SequenceEqual(y.Shape);

        public int GetHashCode(TensorSpec obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
