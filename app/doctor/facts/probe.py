"""The script run by each Python interpreter the doctor checks, as `python -c PROBE_SOURCE`.

It imports torch, TensorFlow and JAX in *that* interpreter (never in ours: a framework's import
takes seconds, loads CUDA and may crash), and prints one JSON line on stdout. It must run on any
Python 3.8 or newer, alone: it imports nothing from this program. Anything the frameworks print
while importing goes to stderr, so stdout holds only the JSON.
"""

PROBE_SCHEMA = "aiwm.probe/1"

PROBE_SOURCE = r"""
import json, sys
real_stdout = sys.stdout
sys.stdout = sys.stderr
out = {"schema": "aiwm.probe/1", "python": sys.version.split()[0], "executable": sys.executable,
       "frameworks": [], "packages": []}

def attempt(fn):
    try:
        return fn()
    except Exception:
        return None

def installed(name):
    import importlib.util
    try:
        return importlib.util.find_spec(name) is not None
    except Exception:
        return False

def dist_version(name):
    try:
        from importlib import metadata
        return metadata.version(name)
    except Exception:
        return None

def probe_torch():
    import torch
    arch = attempt(torch.cuda.get_arch_list)
    companions = {name: dist_version(name) for name in ("torchvision", "torchaudio")}
    return {"version": str(torch.__version__), "cuda": attempt(lambda: torch.version.cuda),
            "cudnn": attempt(torch.backends.cudnn.version), "arch_list": arch,
            "cuda_available": attempt(torch.cuda.is_available),
            "companions": {name: version for name, version in companions.items() if version}}

def probe_tensorflow():
    import tensorflow as tf
    info = attempt(tf.sysconfig.get_build_info) or {}
    gpus = attempt(lambda: tf.config.list_physical_devices("GPU"))
    cuda_build = info.get("is_cuda_build")
    caps = info.get("cuda_compute_capabilities")
    return {"version": str(tf.__version__), "cuda": info.get("cuda_version") if cuda_build else None,
            "cudnn": info.get("cudnn_version") if cuda_build else None, "is_cuda_build": cuda_build,
            "arch_list": list(caps) if caps else None,
            "cuda_available": None if gpus is None else len(gpus) > 0}

def probe_jax():
    import jax
    plugins = [(p, dist_version(p)) for p in ("jax-cuda13-plugin", "jax-cuda12-plugin", "jax-cuda11-plugin")]
    plugin = next(((p, v) for p, v in plugins if v), (None, None))
    devices = attempt(jax.devices)
    return {"version": str(jax.__version__), "cuda": plugin[0][len("jax-cuda"):-len("-plugin")] if plugin[0] else None,
            "cuda_plugin_version": plugin[1], "cudnn": None, "arch_list": None,
            "cuda_available": None if devices is None else any(d.platform == "gpu" for d in devices)}

for name, dist, probe in (("torch", "torch", probe_torch), ("tensorflow", "tensorflow", probe_tensorflow),
                          ("jax", "jax", probe_jax)):
    if not installed(name):
        continue
    try:
        fact = probe()
    except BaseException as error:
        fact = {"version": dist_version(dist), "error": type(error).__name__ + ": " + str(error)[:300]}
    fact["name"] = name
    out["frameworks"].append(fact)

for package in ("nvidia-cudnn-cu13", "nvidia-cudnn-cu12", "nvidia-cudnn-cu11"):
    version = dist_version(package)
    if version:
        where = None
        try:
            from importlib import metadata
            where = str(metadata.distribution(package).locate_file(""))
        except Exception:
            pass
        out["packages"].append({"name": package, "version": version, "path": where})

real_stdout.write(json.dumps(out) + "\n")
real_stdout.flush()
"""
