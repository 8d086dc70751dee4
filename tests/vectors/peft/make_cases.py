"""Test vectors from PEFT itself for merge cases tests/vectors/peer-vectors does not cover.

Run where torch, transformers and peft are installed (the project's GPU machine has them):
    python make_cases.py <peer-vectors folder> <output folder>
For each case it writes the adapter folder(s) PEFT saved, `merged.safetensors` (every weight merge_and_unload()
changed, float32) and an entry in `expected.json` with the paper's counts (float32 SVD, left vectors, k = 10,
eps = 0.5, Conv1D taken as out x in), computed the way reeceshuttle/intruder-dimensions does.
"""
import json
import os
import sys

import peft
import torch
import transformers
from peft import LoraConfig, get_peft_model
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM

PV, OUT = sys.argv[1], sys.argv[2]
os.makedirs(OUT, exist_ok=True)
CONV1D = ("c_attn", "c_proj", "c_fc")


def load(arch):
    return AutoModelForCausalLM.from_pretrained(os.path.join(PV, "models", arch), dtype=torch.float32)


def randomize(model, seed):
    # PEFT initialises B (and lora_B.bias) to zero, and for embeddings A; make every trained part non-trivial.
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name or "lora_embedding_B" in name:
                p.copy_(torch.randn(p.shape, generator=g) * 0.3)
            elif "lora_embedding_A" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            elif "lora_magnitude_vector" in name:
                p.mul_(1 + 0.2 * torch.rand(p.shape, generator=g))
            elif "modules_to_save" in name:
                p.add_(torch.randn(p.shape, generator=g) * 0.05)


def count(name, w0, wt, k=10, eps=0.5):
    if any(c in name for c in CONV1D):
        w0, wt = w0.T, wt.T
    u0 = torch.linalg.svd(w0.float(), full_matrices=False)[0]
    ut = torch.linalg.svd(wt.float(), full_matrices=False)[0]
    cos = (ut[:, :k].T @ u0).abs().max(dim=1).values
    return int((cos < eps).sum()), [round(c, 6) for c in cos.tolist()]


def run(case, arch, configs):
    folder = os.path.join(OUT, case)
    model = load(arch)
    base = {k: v.detach().clone() for k, v in model.state_dict().items()}
    adapters = []
    for i, config in enumerate(configs):
        wrapped = get_peft_model(model, config)
        randomize(wrapped, seed=100 * (i + 1))
        name = f"adapter{i + 1}"
        wrapped.save_pretrained(os.path.join(folder, name))
        adapters.append(name)
        model = wrapped.merge_and_unload()
    merged = model.state_dict()
    touched = sorted(k for k in base if k in merged and not torch.equal(base[k], merged[k]))
    save_file({k: merged[k].detach().float().contiguous() for k in touched}, os.path.join(folder, "merged.safetensors"))
    matrices = [k for k in touched if base[k].dim() == 2 and "embed" not in k and "lm_head" not in k and "wte" not in k]
    result = {"base": arch, "adapters": adapters, "touched": touched, "counts": {}, "maxCosines": {}}
    for k in matrices:
        n, cos = count(k, base[k], merged[k])
        result["counts"][k] = n
        result["maxCosines"][k] = cos
    print(case, "touched", len(touched), "counts", result["counts"], flush=True)
    return result


torch.manual_seed(0)
cases = {
    # lora_embedding_A/B, embedding base layer saved (save_embedding_layers="auto"), modules_to_save on lm_head.
    "llama2_embed_modules_to_save": run("llama2_embed_modules_to_save", "llama2", [
        LoraConfig(r=4, lora_alpha=8, target_modules=["embed_tokens", "q_proj"], modules_to_save=["lm_head"])]),
    # lora_bias=True on layers with a bias (Qwen2 q/k/v).
    "qwen2_lora_bias": run("qwen2_lora_bias", "qwen2", [
        LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], lora_bias=True)]),
    # Two DoRA adapters trained one after the other (the second on the merged first), rsLoRA in the second.
    "llama2_dora_sequential": run("llama2_dora_sequential", "llama2", [
        LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], use_dora=True),
        LoraConfig(r=2, lora_alpha=4, target_modules=["q_proj", "o_proj"], use_dora=True, use_rslora=True)]),
    # DoRA on GPT-2 Conv1D (fan_in_fan_out), the case peft #1588 / #3531 fixed.
    "gpt2_dora_fan_in_fan_out": run("gpt2_dora_fan_in_fan_out", "gpt2", [
        LoraConfig(r=4, lora_alpha=8, target_modules=["c_attn", "c_fc"], fan_in_fan_out=True, use_dora=True)]),
}
cases["env"] = {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__}
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(cases, f, indent=1)
