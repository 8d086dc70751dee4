"""Checks the C#-trained forgetting demo (ForgettingDemoBuilder) with the Python stack: the tokenizer files load in
tokenizers and transformers and tokenise as ByteLevelBpe does, the base loads as a LlamaForCausalLM, the adapters load
in PEFT, and held-out prose perplexities (64-token windows, as ForgettingDemoTests computes them) match ours.
usage: python3 check_demo.py DEMO_FOLDER  (DEMO_FOLDER holds prose_ids.json and ours.txt written by the C# side)."""
import copy, json, math, os, sys
import torch, transformers, peft
from tokenizers import Tokenizer

torch.set_grad_enabled(False)
D = sys.argv[1]
text = open(os.path.join(D, "corpus", "prose-heldout.txt")).read()
ours = json.load(open(os.path.join(D, "prose_ids.json")))
fast = Tokenizer.from_file(os.path.join(D, "base", "tokenizer.json")).encode(text, add_special_tokens=False).ids
auto = transformers.AutoTokenizer.from_pretrained(os.path.join(D, "base"))
res = {"tokenizers_ids_equal": fast == ours, "autotokenizer_ids_equal": auto(text, add_special_tokens=False)["input_ids"] == ours,
       "autotokenizer": type(auto).__name__, "transformers": transformers.__version__, "peft": peft.__version__}
base = transformers.AutoModelForCausalLM.from_pretrained(os.path.join(D, "base")).eval()
n = len(ours) // 64
x = torch.tensor(ours[: n * 64]).view(n, 64)


def ppl(m):
    lp = torch.log_softmax(m(x).logits.float(), -1)[:, :-1].gather(-1, x[:, 1:, None])
    return math.exp(-lp.mean().item())


res["python"] = [ppl(base)]
for a in ["adapter-forgets", "adapter-mild"]:
    m = peft.PeftModel.from_pretrained(copy.deepcopy(base), os.path.join(D, a)).eval()
    res["python"].append(ppl(m))
    res["python"].append(ppl(m.merge_and_unload()))
res["ours"] = [float(v) for v in open(os.path.join(D, "ours.txt")).read().split()]
print(json.dumps(res, indent=1))
