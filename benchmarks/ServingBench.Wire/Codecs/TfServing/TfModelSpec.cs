using System.Globalization;
using ServingBench.Wire.Codecs.Protobuf;

namespace ServingBench.Wire.Codecs.TfServing;

/// <summary>tensorflow.serving.ModelSpec: name=1, version=2 (Int64Value), signature_name=3, version_label=4.</summary>
internal readonly struct TfModelSpec
{
    private readonly int _nameLength;
    private readonly long? _version;
    private readonly int _labelLength;
    private readonly int _signatureLength;

    public TfModelSpec(string name, string? version, string? signatureName)
    {
        Name = name;
        _nameLength = ProtoWriter.Utf8Size(name);
        if (!string.IsNullOrEmpty(version))
        {
            // A number selects a version; anything else is a version label (e.g. "stable"), as the REST URL forms do.
            if (long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
            {
                _version = number;
            }
            else
            {
                Label = version;
                _labelLength = ProtoWriter.Utf8Size(version);
            }
        }

        SignatureName = string.IsNullOrEmpty(signatureName) ? null : signatureName;
        _signatureLength = SignatureName is null ? 0 : ProtoWriter.Utf8Size(SignatureName);
        Size = (_nameLength == 0 ? 0 : ProtoWriter.FieldSize(1, _nameLength))
            + (_version is long v ? ProtoWriter.FieldSize(2, VersionValueSize(v)) : 0)
            + (SignatureName is null ? 0 : ProtoWriter.FieldSize(3, _signatureLength))
            + (Label is null ? 0 : ProtoWriter.FieldSize(4, _labelLength));
    }

    public string Name { get; }

    public string? Label { get; }

    public string? SignatureName { get; }

    public long Size { get; }

    public void Write(ref ProtoWriter writer, int field)
    {
        writer.WriteLengthPrefix(field, Size);
        if (_nameLength > 0)
        {
            writer.WriteStringField(1, Name, _nameLength);
        }

        if (_version is long version)
        {
            writer.WriteLengthPrefix(2, VersionValueSize(version));
            if (version != 0)
            {
                writer.WriteVarintField(1, (ulong)version);
            }
        }

        if (SignatureName is not null)
        {
            writer.WriteStringField(3, SignatureName, _signatureLength);
        }

        if (Label is not null)
        {
            writer.WriteStringField(4, Label, _labelLength);
        }
    }

    /// <summary>Reads a ModelSpec into name, version (number or label) and signature name.</summary>
    public static (string Name, string? Version, string? SignatureName) Read(ProtoReader reader)
    {
        string name = "";
        string? version = null;
        string? signature = null;
        while (reader.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    name = reader.ReadString(wireType, "name");
                    break;
                case 2:
                    var value = reader.ReadMessage(wireType, "version", "Int64Value");
                    version = ((long)ProtoMessages.ReadVarintField1(value, "value")).ToString(CultureInfo.InvariantCulture);
                    break;
                case 3:
                    signature = reader.ReadString(wireType, "signature_name");
                    break;
                case 4:
                    version = reader.ReadString(wireType, "version_label");
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        return (name, string.IsNullOrEmpty(version) ? null : version, string.IsNullOrEmpty(signature) ? null : signature);
    }

    private static long VersionValueSize(long version) => version == 0 ? 0 : 1 + ProtoWriter.VarintSize((ulong)version);
}
