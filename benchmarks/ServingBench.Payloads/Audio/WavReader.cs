using System.Buffers.Binary;

namespace ServingBench.Payloads.Audio;

/// <summary>Mono samples as FP32 in [-1, 1), with the rate and encoding they came from.</summary>
public sealed record WavAudio(int SampleRate, WavSampleFormat Format, float[] Samples);

public enum WavSampleFormat
{
    /// <summary>WAVE_FORMAT_PCM, 16-bit signed.</summary>
    Pcm16,

    /// <summary>WAVE_FORMAT_IEEE_FLOAT, 32-bit.</summary>
    Float32,
}

/// <summary>
/// A RIFF/WAVE reader for the two encodings speech pipelines use: mono 16-bit PCM and mono 32-bit IEEE float
/// (WAVE_FORMAT_EXTENSIBLE wrapping either is accepted). Anything else is refused, naming the source and format.
/// </summary>
public static class WavReader
{
    private const ushort FormatPcm = 1;
    private const ushort FormatIeeeFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    /// <exception cref="WireFormatException">Not a RIFF/WAVE file, truncated, or an unsupported encoding.</exception>
    public static WavAudio Read(ReadOnlySpan<byte> wav, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (wav.Length < 12 || !wav[..4].SequenceEqual("RIFF"u8) || !wav.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new WireFormatException($"{source}: not a RIFF/WAVE file ({wav.Length} bytes)");
        }

        (ushort tag, int channels, int rate, int bits, int blockAlign)? format = null;
        int offset = 12;
        while (offset + 8 <= wav.Length)
        {
            var id = wav.Slice(offset, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(wav[(offset + 4)..]);
            int body = offset + 8;
            if (id.SequenceEqual("data"u8))
            {
                if (format is not { } f)
                {
                    throw new WireFormatException($"{source}: WAV 'data' chunk comes before any 'fmt ' chunk");
                }

                if (size > wav.Length - body)
                {
                    throw new WireFormatException($"{source}: WAV truncated: 'data' declares {size} bytes, {wav.Length - body} remain");
                }

                return Decode(wav.Slice(body, (int)size), f, source);
            }

            if (size > wav.Length - body)
            {
                throw new WireFormatException($"{source}: WAV truncated: chunk '{Ascii(id)}' declares {size} bytes, {wav.Length - body} remain");
            }

            if (id.SequenceEqual("fmt "u8))
            {
                format = ReadFormat(wav.Slice(body, (int)size), source);
            }

            offset = body + (int)size + (int)(size & 1); // chunks are padded to even length
        }

        throw new WireFormatException($"{source}: WAV has no 'data' chunk");
    }

    private static (ushort Tag, int Channels, int Rate, int Bits, int BlockAlign) ReadFormat(ReadOnlySpan<byte> fmt, string source)
    {
        if (fmt.Length < 16)
        {
            throw new WireFormatException($"{source}: WAV 'fmt ' chunk is {fmt.Length} bytes, needs at least 16");
        }

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        int rate = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]), int.MaxValue);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == FormatExtensible && fmt.Length >= 26)
        {
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]); // first two bytes of the sub-format GUID
        }

        bool supported = channels == 1 && ((tag == FormatPcm && bits == 16) || (tag == FormatIeeeFloat && bits == 32));
        if (!supported || blockAlign != bits / 8 || rate <= 0)
        {
            throw new WireFormatException(
                $"{source}: unsupported WAV format: {FormatName(tag)}, {bits}-bit, {channels} channel(s), {rate} Hz, block align {blockAlign}; "
                + "expected mono 16-bit PCM or mono 32-bit IEEE float");
        }

        return (tag, channels, rate, bits, blockAlign);
    }

    private static WavAudio Decode(ReadOnlySpan<byte> data, (ushort Tag, int Channels, int Rate, int Bits, int BlockAlign) format, string source)
    {
        if (data.Length % format.BlockAlign != 0)
        {
            throw new WireFormatException($"{source}: WAV 'data' is {data.Length} bytes, not a whole number of {format.BlockAlign}-byte samples");
        }

        var samples = new float[data.Length / format.BlockAlign];
        if (format.Tag == FormatPcm)
        {
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]) / 32768f;
            }

            return new WavAudio(format.Rate, WavSampleFormat.Pcm16, samples);
        }

        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
        }

        return new WavAudio(format.Rate, WavSampleFormat.Float32, samples);
    }

    private static string FormatName(ushort tag) => tag switch
    {
        FormatPcm => "PCM",
        FormatIeeeFloat => "IEEE float",
        2 => "MS ADPCM",
        6 => "A-law",
        7 => "mu-law",
        0x11 => "IMA ADPCM",
        0x55 => "MP3",
        FormatExtensible => "extensible",
        _ => $"format tag 0x{tag:X4}",
    };

    private static string Ascii(ReadOnlySpan<byte> id)
    {
        Span<char> chars = stackalloc char[id.Length];
        for (int i = 0; i < id.Length; i++)
        {
            chars[i] = id[i] is >= 0x20 and < 0x7F ? (char)id[i] : '?';
        }

        return new string(chars);
    }
}
