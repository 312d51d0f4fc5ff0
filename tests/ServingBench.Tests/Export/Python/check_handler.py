"""Drives the exported TorchServe handler and Triton's bart model with stand-ins for what only the servers have.

Usage: check_handler.py EXPORT FIXTURES WORK
  EXPORT    a `models export` folder (torchserve/model-store/*.mar, triton/bart/1/)
  FIXTURES  the committed fixtures folder
  WORK      an empty scratch folder

Stand-ins: onnxruntime (sessions that record their feeds and answer with deterministic outputs of the declared
names), TorchServe's context (model_dir, per-request headers, response status), and Triton's
triton_python_backend_utils (BLS requests answered by the same fake BART parts). The handler and model files are
the ones inside the archives and the repository, unchanged. What this proves: requests are decoded, preprocessed,
fed under the right names, types and shapes, batched, and answered in the emulator's forms, and BART's loop feeds
each step's cache to the next. What it cannot prove: that ONNX Runtime, TorchServe or Triton behave as the
stand-ins do.
"""

import importlib.util
import json
import os
import sys
import types
import zipfile

import numpy as np

export, fixtures, work = sys.argv[1:4]
LAYERS, HEADS, HEAD_SIZE, WIDTH, VOCAB = 2, 2, 4, 8, 50
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


# --- Fake BART parts, shared by the TorchServe sessions and Triton's BLS stand-in -------------------------------

def present_names(decoder_only):
    kinds = ("decoder",) if decoder_only else ("decoder", "encoder")
    return ["present.{}.{}.{}".format(i, kind, part) for i in range(LAYERS) for kind in kinds for part in ("key", "value")]


def run_bart_part(part, feeds, calls):
    """Encoder: hidden states of the source length. Decoder: logits whose argmax is the fed token + 1, and a
    self-attention cache one step longer than the one fed (the cross-attention cache only from the first step)."""
    calls.append((part, {name: (value.dtype.name, value.shape) for name, value in feeds.items()}))
    if part == "encoder":
        return {"last_hidden_state": np.ones((1, feeds["input_ids"].shape[1], WIDTH), dtype=np.float32)}
    token = int(feeds["input_ids"][0, 0])
    logits = np.zeros((1, 1, VOCAB), dtype=np.float32)
    logits[0, 0, (token + 1) % VOCAB] = 1.0
    past = feeds.get("past_key_values.0.decoder.key")
    length = 1 if past is None else past.shape[2] + 1
    outputs = {"logits": logits}
    for name in present_names(decoder_only=part == "decoder_with_past"):
        source = feeds["encoder_hidden_states"].shape[1] if ".encoder." in name else length
        outputs[name] = np.zeros((1, HEADS, source, HEAD_SIZE), dtype=np.float32)
    return outputs


# --- onnxruntime stand-in ---------------------------------------------------------------------------------------

class FakeSession:
    calls = []

    def __init__(self, path, providers=None):
        self.path = os.path.basename(path)
        self.part = {"encoder_model.onnx": "encoder", "decoder_model.onnx": "decoder",
                     "decoder_with_past_model.onnx": "decoder_with_past"}.get(self.path, "model")

    def get_outputs(self):
        if self.part == "encoder":
            names = ["last_hidden_state"]
        elif self.part == "model":
            names = [SETTINGS["output"]["name"]]
        else:
            names = ["logits"] + present_names(decoder_only=self.part == "decoder_with_past")
        return [types.SimpleNamespace(name=name) for name in names]

    def run(self, names, feeds):
        if self.part != "model":
            outputs = run_bart_part(self.part, feeds, FakeSession.calls)
            return [outputs[name] for name in names]
        FakeSession.calls.append((self.part, {n: (v.dtype.name, v.shape) for n, v in feeds.items()}))
        batch = next(iter(feeds.values()))
        if SETTINGS["model"] == "resnet50":
            # Class i scores i: the top five are 999 ... 995.
            return [np.tile(np.arange(1000, dtype=np.float32), (batch.shape[0], 1))]
        frames = max(1, (batch.shape[1] - 400) // 320 + 1)
        logits = np.zeros((batch.shape[0], frames, 32), dtype=np.float32)
        logits[:, :, 5] = 1.0  # every frame says E: the transcript collapses to "E"
        return [logits]


fake_onnxruntime = types.ModuleType("onnxruntime")
fake_onnxruntime.InferenceSession = FakeSession
fake_onnxruntime.get_available_providers = lambda: ["CPUExecutionProvider"]
sys.modules["onnxruntime"] = fake_onnxruntime


class Context:
    """TorchServe's Context as the handler uses it."""

    def __init__(self, model_dir, content_types):
        self.system_properties = {"model_dir": model_dir}
        self.content_types = content_types
        self.statuses = {}

    def get_request_header(self, index, name):
        content_type = self.content_types[index]
        return {"content-type": content_type} if name in ("body", "data") and content_type is not None else None

    def set_response_status(self, code=200, phrase="", idx=0):
        self.statuses[idx] = (code, phrase)


def load_handler(name):
    """Unpacks <name>.mar as TorchServe does and imports its handler afresh."""
    folder = os.path.join(work, name)
    with zipfile.ZipFile(os.path.join(export, "torchserve", "model-store", name + ".mar")) as archive:
        archive.extractall(folder)
    for module in ("servingbench_handler", "servingbench_processing", "servingbench_generation"):
        sys.modules.pop(module, None)
    sys.path.insert(0, folder)
    try:
        import servingbench_handler
    finally:
        sys.path.remove(folder)
        sys.path.append(folder)  # a worker keeps its model folder on the path
    with open(os.path.join(folder, "servingbench.json"), encoding="utf-8") as stream:
        settings = json.load(stream)
    return servingbench_handler, folder, settings


def serve(handler, folder, requests):
    """One batch: requests are (input name, value, content type); returns the answers and the context."""
    context = Context(folder, [content_type for _, _, content_type in requests])
    check(handler.handle(None, context) is None, "initialisation returned something")
    answers = handler.handle([{name: value} for name, value, _ in requests], context)
    check(len(answers) == len(requests), "{} answers for {} requests".format(len(answers), len(requests)))
    for answer in answers:
        json.dumps(answer, indent=2)  # what TorchServe does with them; raises if it cannot
    return answers, context


def fixture(*parts):
    with open(os.path.join(fixtures, *parts), "rb") as stream:
        return stream.read()


# --- ResNet50: a JPEG, raw tensor bytes and a custom-handler JSON body in one batch -----------------------------

handler, folder, SETTINGS = load_handler("resnet50")
shape = [1] + [d for d in SETTINGS["input"]["shape"][1:]]
tensor = np.full(shape, 0.5, dtype=np.float32)
braced = tensor.copy()
braced.reshape(-1)[0] = np.frombuffer(b"{\x00\x00?", dtype="<f4")[0]  # raw bytes that start with '{' are still a tensor
FakeSession.calls = []
answers, context = serve(handler, folder, [
    ("body", fixture("images", "cat.jpg"), "image/jpeg"),
    ("body", tensor.tobytes(), "application/octet-stream"),
    ("body", {"data": tensor.tolist()}, "application/json"),
    ("data", fixture("images", "cat.jpg"), None),  # gRPC: no content type, sniffed
    ("data", braced.tobytes(), None),
])
check(list(answers[0]) == [line for line in open(os.path.join(folder, SETTINGS["labels"]), encoding="utf-8").read().split("\n")[999:994:-1]],
      "resnet50 JPEG answer is not the top five labels: {}".format(list(answers[0])))
check(answers[0] == answers[3], "the gRPC JPEG answer differs from the REST one")
check(np.asarray(answers[1]).shape == (1, 1000) and answers[1] == answers[2] == answers[4], "tensor answers are not the [1,1000] output as nested lists")
# Requests whose inputs have one shape run as one batch: all five for the real model, the two JPEGs and the three
# tensors apart for a test model whose input is not 224x224.
fed = [list(feeds.items())[0] for _, feeds in FakeSession.calls]
expected = [[5, 3, 224, 224]] if shape[1:] == [3, 224, 224] else [[2, 3, 224, 224], [3] + shape[1:]]
check(sorted(list(fed_shape) for _, (_, fed_shape) in fed) == sorted(expected), "resnet50 batches: {}".format(fed))
check(all(n == SETTINGS["input"]["name"] and t == "float32" for n, (t, _) in fed), "resnet50 was fed {}".format(fed))

answers, context = serve(handler, folder, [("body", b"\x00\x01\x02", "application/octet-stream")])
check(context.statuses.get(0, (200,))[0] == 400 and answers[0]["type"] == "BadRequestException",
      "a raw body that is not whole FP32 elements was not a 400: {}".format(answers[0]))

# --- Wav2Vec2: the WAV file and its tensor as JSON ----------------------------------------------------------------

handler, folder, SETTINGS = load_handler("wav2vec2")
FakeSession.calls = []
answers, context = serve(handler, folder, [("body", fixture("audio", "speech.wav"), "audio/wav")])
check(answers[0] == {"transcript": "E"}, "wav2vec2 WAV answer: {}".format(answers[0]))
fed_name, (fed_type, fed_shape) = list(FakeSession.calls[0][1].items())[0]
check(fed_name == SETTINGS["input"]["name"] and fed_type == "float32" and len(fed_shape) == 2 and fed_shape[0] == 1,
      "wav2vec2 was fed {} {} {}".format(fed_name, fed_type, fed_shape))
answers, context = serve(handler, folder, [("body", {"data": [[0.0] * 1000]}, "application/json")])
check(np.asarray(answers[0]).shape == (1, 2, 32), "wav2vec2 tensor answer has shape {}".format(np.asarray(answers[0]).shape))

# --- BART: text to a summary, ids to generated ids; the cache of each step feeds the next -------------------------

handler, folder, SETTINGS = load_handler("bart")
new_tokens = SETTINGS["new_tokens"]
FakeSession.calls = []
answers, context = serve(handler, folder, [("body", fixture("text", "article.txt").decode("utf-8"), "text/plain")])
check(set(answers[0]) == {"summary"}, "bart text answer: {}".format(answers[0]))
parts = [part for part, _ in FakeSession.calls]
check(parts == ["encoder", "decoder"] + ["decoder_with_past"] * (new_tokens - 1), "bart ran {}".format(parts[:4]))
last = FakeSession.calls[-1][1]
check(last["past_key_values.0.decoder.key"][1][2] == new_tokens - 1, "the self-attention cache did not grow step by step")
check(last["past_key_values.1.encoder.value"][1][2] == last["encoder_hidden_states"][1][1], "the cross-attention cache was not carried over")
ids = np.array([[0, 100, 200, 2]], dtype=np.int64)
answers, context = serve(handler, folder, [("body", ids.tobytes(), "application/octet-stream")])
check(answers[0] == [[2] + [(3 + i) % VOCAB for i in range(new_tokens)]], "bart tensor answer: {}".format(answers[0]))

# --- Triton's bart model through a stand-in triton_python_backend_utils -------------------------------------------

bls_calls = []


class Tensor:
    def __init__(self, name, value):
        self._name, self._value = name, np.asarray(value)

    def name(self):
        return self._name

    def as_numpy(self):
        return self._value


class Response:
    def __init__(self, output_tensors=None, error=None):
        self.output_tensors, self._error = output_tensors or [], error

    def has_error(self):
        return self._error is not None

    def error(self):
        return self._error


class InferenceRequest:
    def __init__(self, model_name, requested_output_names, inputs):
        self.model_name, self.outputs, self.inputs = model_name, requested_output_names, inputs

    def exec(self):
        part = {"bart_encoder": "encoder", "bart_decoder": "decoder", "bart_decoder_with_past": "decoder_with_past"}[self.model_name]
        outputs = run_bart_part(part, {t.name(): t.as_numpy() for t in self.inputs}, bls_calls)
        check(set(self.outputs) <= set(outputs), "{} asked for outputs it does not have".format(self.model_name))
        return Response([Tensor(name, outputs[name]) for name in self.outputs])


class TritonError:
    def __init__(self, message):
        self._message = message

    def message(self):
        return self._message


pb_utils = types.ModuleType("triton_python_backend_utils")
pb_utils.Tensor, pb_utils.InferenceRequest, pb_utils.InferenceResponse, pb_utils.TritonError = Tensor, InferenceRequest, Response, TritonError
pb_utils.get_input_tensor_by_name = lambda request, name: next(t for t in request.inputs if t.name() == name)
pb_utils.get_output_tensor_by_name = lambda response, name: next(t for t in response.output_tensors if t.name() == name)
sys.modules["triton_python_backend_utils"] = pb_utils
sys.modules.pop("servingbench_generation", None)

repository = os.path.join(export, "triton", "bart")
spec = importlib.util.spec_from_file_location("triton_bart", os.path.join(repository, "1", "model.py"))
model_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(model_module)
model = model_module.TritonPythonModel()
model.initialize({"model_repository": repository, "model_version": "1", "model_name": "bart"})
request = types.SimpleNamespace(inputs=[Tensor("input_ids", ids)])
responses = model.execute([request, types.SimpleNamespace(inputs=[Tensor("input_ids", np.zeros((1, 0), dtype=np.int64))])])
check(not responses[0].has_error(), "triton bart failed: {}".format(responses[0].error() and responses[0].error().message()))
generated = responses[0].output_tensors[0].as_numpy() if responses[0].output_tensors else None
check(generated is not None and generated.tolist() == [[2] + [(3 + i) % VOCAB for i in range(new_tokens)]], "triton bart answered {}".format(generated))
check(responses[1].has_error(), "an empty input_ids was not an error answer")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok")
