"""Extra reference logits from transformers for what tests/vectors/peer-vectors lacks: sliding-window attention
(Mistral on every layer, Qwen2 on the layers layer_types marks) and right-padded batches with an attention mask.
Reads the peer models from .devcarry/models (copied there, gitignored), writes OUT/windows_and_padding.safetensors
and OUT/windows_and_padding.json. usage: python3 make_vectors.py MODELS_DIR OUT; float32 on the CPU."""
import json, os, sys
import torch, transformers
from safetensors.torch import save_file

torch.set_grad_enabled(False)
D, OUT = sys.argv[1], sys.argv[2]
ids = torch.tensor(json.load(open(os.path.join(D, "input_ids.json"))))
CAUSAL = {"llama3_gqa_tied", "llama2", "mistral", "qwen2", "gpt2"}
PAD = {"roberta": 1}
REAL = 9  # row 1 keeps its first 9 tokens, the rest is right padding


def load(name, **overrides):
    cfg = transformers.AutoConfig.from_pretrained(os.path.join(D, name), **overrides)
    auto = transformers.AutoModelForCausalLM if name in CAUSAL else transformers.AutoModelForMaskedLM
    return auto.from_pretrained(os.path.join(D, name), config=cfg).eval()


out, meta = {}, {"torch": torch.__version__, "transformers": transformers.__version__, "input_ids": ids.tolist(), "real_tokens_row1": REAL}
m = load("mistral", sliding_window=5)
out["mistral_sliding_window_5"] = m(ids).logits.float().contiguous()
meta["mistral_sliding_window_5"] = {"sliding_window": m.config.sliding_window}
m = load("qwen2", use_sliding_window=True, sliding_window=5, max_window_layers=1, layer_types=["full_attention", "sliding_attention"])
out["qwen2_sliding_window_5_layer_1"] = m(ids).logits.float().contiguous()
meta["qwen2_sliding_window_5_layer_1"] = {"sliding_window": m.config.sliding_window, "layer_types": m.config.layer_types}

mask = torch.ones_like(ids)
mask[1, REAL:] = 0
for name in ["llama3_gqa_tied", "mistral", "qwen2", "gpt2", "bert", "roberta"]:
    padded = ids.clone()
    padded[1, REAL:] = PAD.get(name, 0)
    logits = load(name)(input_ids=padded, attention_mask=mask).logits.float()
    out[f"{name}_padded_row1"] = logits[1:2, :REAL].contiguous()
    meta[f"{name}_padded_row1"] = {"pad_id": PAD.get(name, 0), "ids": padded[1].tolist(), "attention_mask": mask[1].tolist()}

save_file(out, os.path.join(OUT, "windows_and_padding.safetensors"))
json.dump(meta, open(os.path.join(OUT, "windows_and_padding.json"), "w"), indent=1)
print({k: tuple(v.shape) for k, v in out.items()})
