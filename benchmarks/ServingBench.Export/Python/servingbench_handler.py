"""TorchServe handler for the models `models export` archives: what ServingBench's emulated TorchServe does.

A file (JPEG, WAV, UTF-8 text) gets the stock handlers' preprocessing and answer (top-5 {label: probability},
{"transcript": ...}, {"summary": ...}); tensor bytes or a custom-handler {"data": nested list} get the model's
output as a nested list. The model runs on ONNX Runtime. servingbench.json, written by the export beside this
file, names the model, its files and tensors.

Serve-time packages: numpy and Pillow (both in the pytorch/torchserve images) and onnxruntime (the archive's
requirements.txt, installed when config.properties sets install_py_dep_per_model=true). Nothing is imported from
TorchServe itself, so the tests can drive handle() with a stand-in context.
"""

import json
import os

import numpy as np

import servingbench_generation as generation
import servingbench_processing as processing

_service = None


def handle(data, context):
    """TorchServe's module-level entry point: called with data=None once to initialise, then with each batch."""
    global _service
    if _service is None:
        _service = Service(context)
    if data is None:
        return None
    return _service.handle(data, context)


class Service:
    def __init__(self, context):
        directory = context.system_properties["model_dir"]
        with open(os.path.join(directory, "servingbench.json"), encoding="utf-8") as stream:
            settings = json.load(stream)
        self.model = settings["model"]
        self.input = settings["input"]
        self.output = settings["output"]
        self.new_tokens = int(settings.get("new_tokens", 0))
        self.labels = processing.read_labels(os.path.join(directory, settings["labels"])) if "labels" in settings else None
        self.bpe = (processing.ByteLevelBpe(os.path.join(directory, settings["vocabulary"]), os.path.join(directory, settings["merges"]))
                    if "vocabulary" in settings else None)
        self.sessions = {part: _open_session(os.path.join(directory, name)) for part, name in settings["files"].items()}

    def handle(self, data, context):
        answers = [None] * len(data)
        requests = []  # (index, kind, model input)
        for index, request in enumerate(data):
            try:
                kind, tensor = self._decode(request, _content_type(context, index, request))
                requests.append((index, kind, tensor))
            except processing.BadInput as error:
                answers[index] = _refuse(context, index, str(error))
        for index, kind, output in self._infer(requests):
            if isinstance(output, processing.BadInput):
                answers[index] = _refuse(context, index, str(output))
            elif kind == "tensor":
                answers[index] = output.tolist()
            else:
                answers[index] = processing.stock_answer(self.model, output, self.labels, self.bpe)
        return answers

    def _decode(self, request, content_type):
        value = request.get("data", request.get("body"))
        if value is None:
            raise processing.BadInput("the request has no body")
        kind, payload = processing.classify(value, content_type, self.input)
        if kind == "tensor":
            return kind, payload
        if kind == "jpeg" and self.model == "resnet50":
            return kind, processing.image_tensor_from_jpeg(payload)
        if kind == "wav" and self.model == "wav2vec2":
            return kind, processing.audio_tensor_from_wav(payload)
        if kind == "text" and self.model == "bart":
            return kind, self.bpe.encode_for_model(payload)
        raise processing.BadInput("model '{}' does not take a {} file".format(self.model, kind))

    def _infer(self, requests):
        """Yields (index, kind, that request's output rows, or the BadInput the model raised for them). Requests
        whose inputs share a shape but for the batch run as one batch, as TorchServe's batching intends; BART
        generates row by row."""
        if self.model == "bart":
            for index, kind, tensor in requests:
                yield index, kind, _rejected_or(lambda: generation.generate(self._run_part, tensor, self.new_tokens))
            return
        groups = {}
        for request in requests:
            groups.setdefault(request[2].shape[1:], []).append(request)
        for group in groups.values():
            batch = np.concatenate([tensor for _, _, tensor in group], axis=0)
            output = _rejected_or(lambda: self._run_part("model", {self.input["name"]: batch})[self.output["name"]])
            row = 0
            for index, kind, tensor in group:
                yield index, kind, output if isinstance(output, processing.BadInput) else output[row:row + tensor.shape[0]]
                row += tensor.shape[0]

    def _run_part(self, part, feeds):
        session = self.sessions[part]
        names = [output.name for output in session.get_outputs()]
        return dict(zip(names, session.run(names, feeds)))


def _rejected_or(infer):
    """The model's output, or a BadInput when the model refuses a size the signature let through (as the suite's
    onnx backend answers 400 for audio shorter than the model can take)."""
    try:
        return infer()
    except Exception as error:  # onnxruntime raises its own exception types, not importable without it
        return processing.BadInput("the model rejected the input: {}".format(error))


def _open_session(path):
    import onnxruntime  # serve-time dependency (requirements.txt)

    available = onnxruntime.get_available_providers()
    providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available]
    return onnxruntime.InferenceSession(path, providers=providers)


def _content_type(context, index, request):
    """The body's Content-Type: TorchServe files it under the input's name ("body" or "data")."""
    for name in request:
        header = context.get_request_header(index, name)
        if isinstance(header, dict):
            return header.get("content-type")
    return None


def _refuse(context, index, message):
    """A 400 for this request alone, with TorchServe's error body."""
    context.set_response_status(400, message, index)
    return {"code": 400, "type": "BadRequestException", "message": message}
