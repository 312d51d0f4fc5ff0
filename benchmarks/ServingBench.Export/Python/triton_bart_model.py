"""Triton Python-backend model `bart`: input_ids -> output_ids, as ServingBench's served summariser answers.

Triton's ONNX Runtime backend serves the three Optimum parts as models of their own (bart_encoder, bart_decoder,
bart_decoder_with_past), but no ONNX model loops over decoder steps, so this model runs the suite's generation
loop (servingbench_generation.py, beside this file) and calls the parts through BLS. servingbench.json, written
by the export, names the part models, their outputs and the number of new tokens.
"""

import json
import os
import sys

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        directory = os.path.join(args["model_repository"], args["model_version"])
        if directory not in sys.path:
            sys.path.insert(0, directory)
        import servingbench_generation

        self._generation = servingbench_generation
        with open(os.path.join(directory, "servingbench.json"), encoding="utf-8") as stream:
            settings = json.load(stream)
        self._parts = settings["parts"]
        self._new_tokens = int(settings["new_tokens"])
        self._input = settings["input"]["name"]
        self._output = settings["output"]["name"]

    def execute(self, requests):
        responses = []
        for request in requests:
            try:
                ids = pb_utils.get_input_tensor_by_name(request, self._input).as_numpy()
                generated = self._generation.generate(self._run_part, ids, self._new_tokens)
                responses.append(pb_utils.InferenceResponse(output_tensors=[pb_utils.Tensor(self._output, generated.astype(np.int64))]))
            except Exception as error:  # one request's failure is its own error answer, not the batch's
                responses.append(pb_utils.InferenceResponse(output_tensors=[], error=pb_utils.TritonError(str(error))))
        return responses

    def _run_part(self, part, feeds):
        model = self._parts[part]
        request = pb_utils.InferenceRequest(
            model_name=model["model"],
            requested_output_names=model["outputs"],
            inputs=[pb_utils.Tensor(name, value) for name, value in feeds.items()])
        response = request.exec()
        if response.has_error():
            raise RuntimeError("{}: {}".format(model["model"], response.error().message()))
        return {name: pb_utils.get_output_tensor_by_name(response, name).as_numpy() for name in model["outputs"]}
