"""BART generation as ServingBench serves it, over any runner of the three Optimum ONNX parts (numpy only).

The suite's onnx backend (benchmarks/ServingBench/Composition/OnnxBackend.cs) answers a bart request with a fixed
number of greedy steps per row: the encoder once, decoder_model for the first step (it also returns the
cross-attention cache), decoder_with_past_model for every later step with the cache fed back, and the argmax of
each step's logits (lowest id on ties, no stopping, no logits processing), so every server does the same work.
BartGenerator.Fixed and OrtBartBackend are the .NET side of this loop.

`run(part, feeds)` is the caller's: part is "encoder", "decoder" or "decoder_with_past", feeds a dict of numpy
arrays, and it returns every output of that part by name (ONNX Runtime sessions in the TorchServe handler,
BLS calls to the part models in Triton's bart model).
"""

import numpy as np

DECODER_START_TOKEN_ID = 2


def generate(run, input_ids, new_tokens, decoder_start_token_id=DECODER_START_TOKEN_ID):
    """input_ids INT64 [rows, L] -> generated ids INT64 [rows, 1 + new_tokens], each row on its own, starting
    with the decoder start token."""
    ids = np.asarray(input_ids, dtype=np.int64)
    if ids.ndim != 2 or ids.shape[0] == 0 or ids.shape[1] == 0:
        raise ValueError("input_ids must be [rows, length] with rows and length above 0; got {}".format(list(ids.shape)))
    if new_tokens < 1:
        raise ValueError("new_tokens must be at least 1; got {}".format(new_tokens))
    return np.stack([_generate_row(run, row, new_tokens, decoder_start_token_id) for row in ids])


def _generate_row(run, source, new_tokens, start):
    ids = source.reshape(1, -1)
    mask = np.ones_like(ids)
    hidden = run("encoder", {"input_ids": ids, "attention_mask": mask})["last_hidden_state"]
    sequence = [start]
    cache = None
    for _ in range(new_tokens):
        feeds = {
            "encoder_attention_mask": mask,
            "input_ids": np.array([[sequence[-1]]], dtype=np.int64),
            "encoder_hidden_states": hidden,
        }
        if cache is None:
            outputs = run("decoder", feeds)
        else:
            feeds.update(cache)
            outputs = run("decoder_with_past", feeds)
        sequence.append(int(np.argmax(outputs["logits"][0, -1])))
        cache = next_cache(outputs, cache)
    return np.array(sequence, dtype=np.int64)


def next_cache(outputs, cache):
    """The past_key_values.* feeds of the next step: every present.* output renamed; the cross-attention entries
    (.encoder.) come from the first step only, since decoder_with_past returns the self-attention ones alone."""
    following = {}
    for name, value in outputs.items():
        if name.startswith("present."):
            following["past_key_values." + name[len("present."):]] = value
    for name, value in (cache or {}).items():
        if ".encoder." in name and name not in following:
            following[name] = value
    if not following:
        raise ValueError("the decoder returned no present.* outputs; expected the Optimum layout with past")
    return following
