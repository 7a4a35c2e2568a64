"""Runs nnplay's exported models in the real frameworks, for tests/export.rs.

Usage: python run_exports.py request.json

The request is a list of jobs, each {"kind": "onnx" | "keras" | "torch", "path": FILE,
"rows": [[...], ...]} and, for Keras, optionally "fit_rows" and "targets" to train one epoch
on. The answer, printed as JSON on stdout, is one object per job with "outputs" (the model's
outputs for the rows) and what the test checks besides:
- onnx: the file passed onnx.checker with full_check (a failure raises, the run fails);
- keras: the compiled optimizer's class, learning rate and loss class; with "save_to", the
  outputs of the model saved there and loaded again ("reloaded"); and after training
  "fit_loss" (the epoch's loss) and "changed" (whether the first layer's bias moved);
- torch: runs the file's build_model() (only where torch is installed).
All jobs run in this one process: importing Keras or onnxruntime takes seconds.
"""

import importlib.util
import json
import sys


def load_module(path, index):
    spec = importlib.util.spec_from_file_location(f"nnplay_export_{index}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_onnx(job):
    import numpy as np
    import onnx
    import onnxruntime

    model = onnx.load(job["path"])
    onnx.checker.check_model(model, full_check=True)
    session = onnxruntime.InferenceSession(job["path"], providers=["CPUExecutionProvider"])
    x = np.asarray(job["rows"], dtype=np.float32)
    (outputs,) = session.run(["output"], {"input": x})
    return {"outputs": outputs.tolist()}


def run_keras(job, index):
    import numpy as np

    module = load_module(job["path"], index)
    model = module.build_model()
    x = np.asarray(job["rows"], dtype="float32")
    answer = {
        # A plain call, not predict(): the same layers without compiling a predict step (the
        # script's own predict path is run by tests/export_cli.rs).
        "outputs": np.asarray(model(x, training=False)).tolist(),
        "optimizer": type(model.optimizer).__name__,
        "learning_rate": float(np.asarray(model.optimizer.learning_rate)),
        "loss": type(model.loss).__name__,
    }
    if "save_to" in job:
        import keras

        model.save(job["save_to"])
        again = keras.saving.load_model(job["save_to"])
        answer["reloaded"] = np.asarray(again(x, training=False)).tolist()
    if "targets" in job:
        # The bias: no weight penalty moves it, only the gradient that reaches the layer.
        before = np.array(model.get_layer("dense_1").bias.numpy())
        fit_x = np.asarray(job["fit_rows"], dtype="float32")
        y = np.asarray(job["targets"], dtype="float32")
        history = model.fit(
            fit_x, y, epochs=1, batch_size=len(fit_x), verbose=0, callbacks=module.callbacks()
        )
        answer["fit_loss"] = float(history.history["loss"][-1])
        answer["changed"] = bool(np.any(model.get_layer("dense_1").bias.numpy() != before))
    return answer


def run_torch(job, index):
    import torch

    module = load_module(job["path"], index)
    model = module.build_model()
    with torch.no_grad():
        outputs = model(torch.tensor(job["rows"], dtype=torch.float32))
    return {"outputs": outputs.tolist()}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        jobs = json.load(f)
    answers = []
    for index, job in enumerate(jobs):
        if job["kind"] == "onnx":
            answers.append(run_onnx(job))
        elif job["kind"] == "keras":
            answers.append(run_keras(job, index))
        elif job["kind"] == "torch":
            answers.append(run_torch(job, index))
        else:
            raise SystemExit(f"unknown job kind {job['kind']!r}")
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
