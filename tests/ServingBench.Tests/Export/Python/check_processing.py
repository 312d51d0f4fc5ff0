"""Runs the exported handler's preprocessing and answers on the fixtures; the .NET test compares the results.

Usage: check_processing.py SOURCES FIXTURES WORK
  SOURCES   folder holding the Python files `models export` ships (servingbench_processing.py, ...)
  FIXTURES  the committed fixtures folder
  WORK      folder with the .NET side's inputs (cat.rgb + cat.size, resnet_logits.f32, wav_logits.f32 +
            wav_logits.frames, bart_ids.i64); the outputs are written here

Every shipped module must also parse as Python 3.9, the pytorch/torchserve 0.12 images' interpreter.
Needs numpy; the JPEG path needs PIL (Debian: python3-numpy, python3-pil).
"""

import ast
import os
import sys

import numpy as np

sources, fixtures, work = sys.argv[1:4]
sys.path.insert(0, sources)
import servingbench_processing as processing  # noqa: E402

for name in sorted(os.listdir(sources)):
    if name.endswith(".py"):
        with open(os.path.join(sources, name), encoding="utf-8") as stream:
            ast.parse(stream.read(), filename=name, feature_version=(3, 9))


def read(name, dtype):
    return np.fromfile(os.path.join(work, name), dtype=dtype)


def write(name, array):
    np.ascontiguousarray(array).tofile(os.path.join(work, name))


def write_text(name, text):
    with open(os.path.join(work, name), "w", encoding="utf-8", newline="") as stream:
        stream.write(text)


# Preprocessing: the same decoded pixels through the handler's arithmetic, and the JPEG through PIL.
width, height = (int(v) for v in open(os.path.join(work, "cat.size")).read().split())
rgb = read("cat.rgb", np.uint8).reshape(height, width, 3)
write("cat_from_rgb.f32", processing.image_tensor_from_rgb(rgb))
with open(os.path.join(fixtures, "images", "cat.jpg"), "rb") as stream:
    write("cat_from_jpeg.f32", processing.image_tensor_from_jpeg(stream.read()))
with open(os.path.join(fixtures, "audio", "speech.wav"), "rb") as stream:
    write("speech.f32", processing.audio_tensor_from_wav(stream.read()))
bpe = processing.ByteLevelBpe(os.path.join(fixtures, "tokenizer", "encoder.json"), os.path.join(fixtures, "tokenizer", "vocab.bpe"))
with open(os.path.join(fixtures, "text", "article.txt"), encoding="utf-8") as stream:
    write("article.i64", bpe.encode_for_model(stream.read()))

# Answers: the stock handlers' JSON from the .NET side's seeded outputs, and a custom handler's nested list.
labels = processing.read_labels(os.path.join(fixtures, "labels", "imagenet_classes.txt"))
resnet_logits = read("resnet_logits.f32", np.float32).reshape(1, -1)
write_text("resnet_answer.json", processing.dumps(processing.stock_answer("resnet50", resnet_logits, labels)))
write_text("resnet_tensor_answer.json", processing.dumps(resnet_logits.tolist()))
frames = int(open(os.path.join(work, "wav_logits.frames")).read())
wav_logits = read("wav_logits.f32", np.float32).reshape(1, frames, 32)
write_text("wav_answer.json", processing.dumps(processing.stock_answer("wav2vec2", wav_logits)))
bart_ids = read("bart_ids.i64", np.int64).reshape(1, -1)
write_text("bart_answer.json", processing.dumps(processing.stock_answer("bart", bart_ids, bpe=bpe)))
print("ok")
