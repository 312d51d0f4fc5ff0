"""What ServingBench's emulated TorchServe does around the model, in numpy and the standard library only.

Each function reproduces one step of the suite's .NET code, named in its docstring, with the same arithmetic in
the same order, so that a real server given the suite's files sees the tensors the suite's clients and emulators
build and answers what the emulator answers. tests/ServingBench.Tests/Export compares them with the .NET results
on the committed fixtures. Only decode_jpeg needs more (PIL); it imports it when called.

Written for Python 3.9 (the pytorch/torchserve 0.12 images) and numpy 1.24 or 2.x.
"""

import io
import json
import math
import struct
import unicodedata

import numpy as np


class BadInput(ValueError):
    """A request the model cannot take: the handler answers 400 with this message."""


# --- Images: ServingBench.Payloads.Images.ImagePreprocessing and ResampleWeights -----------------------------

RESIZE_SHORTER_SIDE = 256
CROP_SIZE = 224
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def decode_jpeg(data):
    """JPEG bytes -> RGB uint8 [height, width, 3] with PIL (libjpeg), whose pixels may differ from the suite's
    decoder (StbImageSharp) by a level or two; everything after decoding is the suite's arithmetic."""
    from PIL import Image  # serve-time dependency, needed for JPEG only

    try:
        with Image.open(io.BytesIO(bytes(data))) as image:
            return np.asarray(image.convert("RGB"), dtype=np.uint8)
    except Exception as error:  # PIL raises several types for a damaged file
        raise BadInput("not a decodable JPEG: {}".format(error))


def resized_size(width, height):
    """torchvision's rule: the shorter side becomes 256, the longer int(256 * long / short)."""
    if width <= height:
        return RESIZE_SHORTER_SIDE, RESIZE_SHORTER_SIDE * height // width
    return RESIZE_SHORTER_SIDE * width // height, RESIZE_SHORTER_SIDE


def crop_offset(size):
    """int(round((size - 224) / 2.0)); Python's round is half-to-even, as the suite's."""
    return int(round((size - CROP_SIZE) / 2.0))


def _triangle(x):
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


def resample_weights(input_size, output_size, first, count):
    """PIL's antialiased bilinear taps for outputs first .. first+count-1: start indices [count] and float32
    weights [count, taps] (zero past each output's own taps), computed in double as the suite does."""
    scale = input_size / output_size
    filter_scale = max(scale, 1.0)
    support = filter_scale
    stride = int(math.ceil(support)) * 2 + 1
    starts = np.zeros(count, dtype=np.int64)
    weights = np.zeros((count, stride), dtype=np.float32)
    for i in range(count):
        center = (first + i + 0.5) * scale
        low = max(int(center - support + 0.5), 0)
        high = min(int(center + support + 0.5), input_size)
        taps = min(high - low, stride)
        kernel = [_triangle((j + low - center + 0.5) / filter_scale) for j in range(taps)]
        total = 0.0
        for value in kernel:
            total += value
        for j in range(taps):
            weights[i, j] = 0.0 if total == 0 else kernel[j] / total
        starts[i] = low
    return starts, weights


def _resample(values, starts, weights, axis):
    """Sum over taps in tap order, in float32, as the suite's loops do; a zero weight adds exactly nothing."""
    limit = values.shape[axis] - 1
    result = None
    for k in range(weights.shape[1]):
        taken = np.take(values, np.minimum(starts + k, limit), axis=axis)
        shape = [1] * values.ndim
        shape[axis] = weights.shape[0]
        term = taken * weights[:, k].reshape(shape)
        result = term if result is None else result + term
    return result


def image_tensor_from_rgb(rgb):
    """RGB uint8 [height, width, 3] -> FP32 [1, 3, 224, 224]: resize the shorter side to 256 (antialiased
    bilinear, both passes in float), centre-crop 224, scale to [0, 1] and normalise with ImageNet's mean/std."""
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise BadInput("expected RGB uint8 [height, width, 3], got {} {}".format(rgb.dtype, list(rgb.shape)))
    height, width = rgb.shape[0], rgb.shape[1]
    resized_width, resized_height = resized_size(width, height)
    columns = resample_weights(width, resized_width, crop_offset(resized_width), CROP_SIZE)
    rows = resample_weights(height, resized_height, crop_offset(resized_height), CROP_SIZE)
    horizontal = _resample(rgb.astype(np.float32), columns[0], columns[1], axis=1)  # [height, 224, 3]
    window = _resample(horizontal, rows[0], rows[1], axis=0)  # [224, 224, 3]
    tensor = np.empty((1, 3, CROP_SIZE, CROP_SIZE), dtype=np.float32)
    for channel in range(3):
        # (v/255 - mean)/std folded into one multiply-add per value, in float32 as the suite folds it.
        std = np.float32(STD[channel])
        scale = np.float32(1.0) / (np.float32(255.0) * std)
        offset = -np.float32(MEAN[channel]) / std
        tensor[0, channel] = window[:, :, channel] * scale + offset
    return tensor


def image_tensor_from_jpeg(data):
    return image_tensor_from_rgb(decode_jpeg(data))


# --- Audio: ServingBench.Payloads.Audio.WavReader and AudioPreprocessing -------------------------------------

SAMPLE_RATE = 16000
VARIANCE_EPSILON = 1e-7
RECEPTIVE_FIELD = 400


def read_wav(data):
    """RIFF/WAVE -> (sample rate, float32 samples in [-1, 1)); mono 16-bit PCM or mono 32-bit float only,
    WAVE_FORMAT_EXTENSIBLE wrapping either accepted, as the suite's reader."""
    data = bytes(data)
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise BadInput("not a RIFF/WAVE file ({} bytes)".format(len(data)))
    fmt = None
    offset = 12
    while offset + 8 <= len(data):
        chunk, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = offset + 8
        if size > len(data) - body:
            raise BadInput("WAV truncated: chunk {!r} declares {} bytes, {} remain".format(chunk, size, len(data) - body))
        if chunk == b"fmt ":
            fmt = _wav_format(data[body:body + size])
        elif chunk == b"data":
            if fmt is None:
                raise BadInput("WAV 'data' chunk comes before any 'fmt ' chunk")
            tag, rate, block = fmt
            samples = data[body:body + size]
            if len(samples) % block != 0:
                raise BadInput("WAV 'data' is {} bytes, not a whole number of {}-byte samples".format(len(samples), block))
            if tag == 1:
                return rate, np.frombuffer(samples, dtype="<i2").astype(np.float32) / np.float32(32768.0)
            return rate, np.frombuffer(samples, dtype="<f4").astype(np.float32)
        offset = body + size + (size & 1)
    raise BadInput("WAV has no 'data' chunk")


def _wav_format(chunk):
    if len(chunk) < 16:
        raise BadInput("WAV 'fmt ' chunk is {} bytes, needs at least 16".format(len(chunk)))
    tag, channels, rate, _, block, bits = struct.unpack_from("<HHIIHH", chunk, 0)
    if tag == 0xFFFE and len(chunk) >= 26:
        tag = struct.unpack_from("<H", chunk, 24)[0]  # first two bytes of the sub-format GUID
    supported = channels == 1 and ((tag == 1 and bits == 16) or (tag == 3 and bits == 32))
    if not supported or block != bits // 8 or rate <= 0:
        raise BadInput("unsupported WAV format: tag {}, {}-bit, {} channel(s), {} Hz; expected mono 16-bit PCM or mono 32-bit float".format(tag, bits, channels, rate))
    return tag, rate, block


def normalize_audio(samples):
    """(x - mean) / sqrt(var + 1e-7) with sums in double taken in sample order (cumsum is sequential, as the
    suite's loop), then rounded to float32."""
    values = np.asarray(samples, dtype=np.float32).astype(np.float64)
    if values.size == 0:
        return values.astype(np.float32)
    mean = np.cumsum(values)[-1] / values.size
    deviations = values - mean
    squares = np.cumsum(deviations * deviations)[-1]
    inverse_std = 1.0 / math.sqrt(squares / values.size + VARIANCE_EPSILON)
    return (deviations * inverse_std).astype(np.float32)


def audio_tensor_from_wav(data):
    """WAV bytes -> input_values FP32 [1, N] at 16 kHz, normalised per utterance."""
    rate, samples = read_wav(data)
    if rate != SAMPLE_RATE:
        raise BadInput("WAV is {} Hz; Wav2Vec2 needs {} Hz (resample first, e.g. sox in.wav -r 16000 out.wav)".format(rate, SAMPLE_RATE))
    if samples.size < RECEPTIVE_FIELD:
        raise BadInput("{} samples is shorter than Wav2Vec2's {}-sample receptive field".format(samples.size, RECEPTIVE_FIELD))
    return normalize_audio(samples).reshape(1, -1)


# --- Text: ServingBench.Payloads.Text.BartTokenizer (GPT-2 byte-level BPE, ids wrapped in <s> ... </s>) ------

BOS_ID = 0
EOS_ID = 2
MAX_TOKENS = 1024
_CONTRACTIONS = ("s", "t", "re", "ve", "m", "ll", "d")


def _bytes_to_unicode():
    """GPT-2's reversible map from bytes to printable characters."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    characters = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            characters.append(256 + extra)
            extra += 1
    return dict(zip(printable, (chr(c) for c in characters)))


def _kind(character):
    if character.isspace():
        return "space"
    category = unicodedata.category(character)[0]
    return category if category in ("L", "N") else "other"


def pretokenize(text):
    """GPT-2's split, 's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+, written
    out as a scan because Python's re has no \\p{L} or \\p{N}."""
    pieces = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == "'":
            match = next((c for c in _CONTRACTIONS if text.startswith(c, i + 1)), None)
            if match is not None:
                pieces.append("'" + match)
                i += 1 + len(match)
                continue
        start = i + 1 if text[i] == " " and i + 1 < n else i
        kind = _kind(text[start])
        if kind != "space":
            end = start
            while end < n and _kind(text[end]) == kind:
                end += 1
            pieces.append(text[i:end])
            i = end
            continue
        end = i
        while end < n and text[end].isspace():
            end += 1
        # \s+(?!\S) leaves the last space of a run for the word after it; \s+ takes a lone one.
        if end < n and end - i >= 2:
            end -= 1
        pieces.append(text[i:end])
        i = end
    return pieces


class ByteLevelBpe:
    """GPT-2's byte-level BPE over encoder.json (token -> id) and vocab.bpe (ranked merges after a #version line)."""

    def __init__(self, vocab_path, merges_path):
        with open(vocab_path, encoding="utf-8") as stream:
            self._encoder = json.load(stream)
        self._decoder = {index: token for token, index in self._encoder.items()}
        with open(merges_path, encoding="utf-8") as stream:
            lines = [line for line in stream.read().split("\n")[1:] if line]
        self._ranks = {tuple(line.split()): rank for rank, line in enumerate(lines)}
        self._byte_encoder = _bytes_to_unicode()
        self._byte_decoder = {character: byte for byte, character in self._byte_encoder.items()}
        self._cache = {}

    def _merge(self, token):
        if token in self._cache:
            return self._cache[token]
        word = list(token)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda pair: self._ranks.get(pair, float("inf")))
            if best not in self._ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        self._cache[token] = word
        return word

    def encode(self, text):
        """Plain BPE ids: no special tokens, no truncation."""
        ids = []
        for piece in pretokenize(text):
            mapped = "".join(self._byte_encoder[b] for b in piece.encode("utf-8"))
            ids.extend(self._encoder[token] for token in self._merge(mapped))
        return ids

    def encode_for_model(self, text):
        """[0, ids..., 2] as INT64 [1, L], keeping the first 1022 ids (the model's 1024 positions)."""
        ids = self.encode(text)[:MAX_TOKENS - 2]
        return np.array([[BOS_ID] + ids + [EOS_ID]], dtype=np.int64)

    def decode(self, ids):
        """Ids -> text; ids outside the vocabulary are skipped, broken UTF-8 becomes U+FFFD."""
        characters = "".join(self._decoder.get(int(i), "") for i in ids)
        return bytes(self._byte_decoder[c] for c in characters).decode("utf-8", errors="replace")


# --- Answers: ServingBench.Payloads.Postprocessing and the emulator's DefaultHandlers ------------------------

TOP_K = 5
CTC_VOCABULARY = ("<pad>", "<s>", "</s>", "<unk>", "|", "E", "T", "A", "O", "N", "I", "H", "S", "R", "D", "L",
                  "U", "M", "W", "C", "F", "G", "Y", "P", "B", "V", "K", "'", "X", "J", "Q", "Z")


def read_labels(path):
    with open(path, encoding="utf-8") as stream:
        labels = stream.read().replace("\r\n", "\n").rstrip("\n").split("\n")
    if len(labels) != 1000 or any(not label.strip() for label in labels):
        raise ValueError("{}: expected 1000 non-empty label lines, found {}".format(path, len(labels)))
    return labels


def top_k(logits, labels, k=TOP_K):
    """The image classifier's {label: probability} for one row: softmax in double (the exponentials summed in
    class order), highest logit first, lower class id first on ties; each probability a float32 as Python
    prints it."""
    row = np.asarray(logits, dtype=np.float32).reshape(-1)
    if row.size != len(labels):
        raise ValueError("{} logits but {} labels".format(row.size, len(labels)))
    shifted = (row - row.max()).tolist()
    exponentials = [math.exp(value) for value in shifted]
    total = 0.0
    for value in exponentials:
        total += value
    order = sorted(range(row.size), key=lambda index: (-float(row[index]), index))[:k]
    return {labels[index]: float(np.float32(exponentials[index] / total)) for index in order}


def ctc_transcript(logits):
    """Greedy CTC for logits [frames, 32]: argmax (lowest id on ties), collapse repeats, drop the blank and the
    special tokens, '|' -> space, trimmed."""
    ids = np.argmax(np.asarray(logits, dtype=np.float32).reshape(-1, len(CTC_VOCABULARY)), axis=1)
    text, previous = [], -1
    for index in ids.tolist():
        if index != previous and index != 0:
            token = CTC_VOCABULARY[index]
            text.append(" " if token == "|" else "" if token in ("<s>", "</s>", "<unk>") else token)
        previous = index
    return "".join(text).strip()


def summary(generated_ids, bpe):
    """The first row's generated ids without the special tokens (ids 0-3), detokenised."""
    row = np.atleast_2d(np.asarray(generated_ids))[0]
    return bpe.decode([int(i) for i in row if int(i) > 3])


def stock_answer(model, output, labels=None, bpe=None):
    """What TorchServe's stock handlers answer for a file, from the model's output for it (batch of one)."""
    if model == "resnet50":
        row = np.asarray(output)[0]
        return top_k(row, labels[:row.size])  # a test model with fewer classes takes the first labels, as the emulator
    if model == "wav2vec2":
        return {"transcript": ctc_transcript(np.asarray(output)[0])}
    if model == "bart":
        return {"summary": summary(output, bpe)}
    raise ValueError("no stock answer for model '{}'".format(model))


def dumps(answer):
    """The body TorchServe sends for a handler's object: json.dumps(obj, indent=2)."""
    return json.dumps(answer, indent=2)


# --- Requests: ServingBench.Wire.Codecs.TorchServe.TorchServeBodies ------------------------------------------

_NUMPY_TYPES = {"FP32": np.float32, "FP64": np.float64, "INT64": np.int64, "INT32": np.int32,
                "INT16": np.int16, "INT8": np.int8, "UINT8": np.uint8, "BOOL": np.bool_}


def is_jpeg(data):
    return len(data) >= 3 and data[0] == 0xFF and data[1] == 0xD8 and data[2] == 0xFF


def is_wav(data):
    return len(data) >= 12 and bytes(data[:4]) == b"RIFF" and bytes(data[8:12]) == b"WAVE"


def is_text(data):
    """UTF-8 with no control characters but whitespace (raw INT64 ids are full of zero bytes)."""
    if any(b < 0x20 and b not in (0x09, 0x0A, 0x0D) for b in data):
        return False
    try:
        bytes(data).decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def classify(value, content_type, input_spec):
    """One request's body as TorchServe hands it to a handler -> ("jpeg"|"wav"|"text", payload) for a file, or
    ("tensor", array) for tensor bytes or a custom-handler {"data": nested list}. The Content-Type decides when
    it names a kind; without one the bytes are sniffed."""
    if isinstance(value, dict):  # TorchServe already decoded an application/json body
        return "tensor", tensor_from_json(value, input_spec)
    if isinstance(value, str):  # ... and a text/* body
        return "text", value
    data = bytes(value)
    if not data:
        raise BadInput("the request body is empty")
    media = (content_type or "").split(";")[0].strip().lower()
    # JSON only when the Content-Type says so: raw FP32 bytes may well start with '{' (0x7B).
    if media == "application/json":
        try:
            return "tensor", tensor_from_json(json.loads(data.decode("utf-8")), input_spec)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BadInput("the JSON body does not parse: {}".format(error))
    if media == "application/octet-stream":
        return "tensor", tensor_from_bytes(data, input_spec)
    if media.startswith("image/") or is_jpeg(data):
        return "jpeg", data
    if media.startswith("audio/") or is_wav(data):
        return "wav", data
    if media.startswith("text/") or (input_spec["datatype"] == "INT64" and is_text(data)):
        return "text", data.decode("utf-8", errors="replace")
    return "tensor", tensor_from_bytes(data, input_spec)


def tensor_from_json(body, input_spec):
    if not isinstance(body, dict) or "data" not in body:
        raise BadInput("request body has no 'data'")
    try:
        tensor = np.asarray(body["data"], dtype=_NUMPY_TYPES[input_spec["datatype"]])
    except (ValueError, TypeError) as error:
        raise BadInput("'data' is not a {} tensor: {}".format(input_spec["datatype"], error))
    check_shape(tensor.shape, input_spec)
    return tensor


def tensor_from_bytes(data, input_spec):
    """Raw little-endian tensor bytes: the model's input with a batch of one, its one variable dimension filled
    from the length."""
    element = np.dtype(_NUMPY_TYPES[input_spec["datatype"]]).newbyteorder("<")
    if len(data) % element.itemsize != 0:
        raise BadInput("raw body of {} bytes is not a whole number of {} elements for input '{}'".format(len(data), input_spec["datatype"], input_spec["name"]))
    count = len(data) // element.itemsize
    shape = list(input_spec["shape"])
    shape[0] = 1
    variable = [i for i in range(1, len(shape)) if shape[i] < 0]
    known = 1
    for size in shape[1:]:
        known *= size if size >= 0 else 1
    if len(variable) > 1:
        raise BadInput("input '{}' {} has several variable dimensions; a raw body cannot fill them".format(input_spec["name"], input_spec["shape"]))
    if variable and known > 0 and count % known == 0:
        shape[variable[0]] = count // known
    elif variable or known != count:
        raise BadInput("raw body of {} {} elements does not fit input '{}' {}".format(count, input_spec["datatype"], input_spec["name"], input_spec["shape"]))
    return np.frombuffer(data, dtype=element).astype(element.newbyteorder("=")).reshape(shape)


def check_shape(shape, input_spec):
    expected = input_spec["shape"]
    if len(shape) != len(expected) or any(e >= 0 and s != e for s, e in zip(shape, expected)) or 0 in shape:
        raise BadInput("'{}' has shape {}; the model takes {} (-1: any size but 0)".format(input_spec["name"], list(shape), expected))
