# Independent reference for ModelGate's forgetting metrics: HF perplexity guide sliding window (per paragraph, BOS
# or EOS prepended) and lm-eval's multiple-choice loglikelihood (acc, acc_norm by the choice's character length), with transformers
# for the base and PEFT merge_and_unload for the merged model.
import json, math, os, re, sys, torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from peft import PeftModel
here = os.path.dirname(os.path.abspath(__file__))
P = os.environ.get('PEER_VECTORS', os.path.join(here, 'pv'))  # tests/vectors/peer-vectors
ML, ST = 24, 8
text = open(f'{P}/eval.txt').read().replace('\r\n', '\n')
docs = [p.strip('\n') for p in re.split(r'\n[ \t]*\n+', text) if p.strip()]
items = [json.loads(l) for l in open(f'{here}/mc.jsonl')]

def ll_windows(model, ids):
    nll, n, prev = 0.0, 0, 0
    for begin in range(0, len(ids), ST):
        end = min(begin + ML, len(ids)); first = max(prev - begin, 1)
        if first < end - begin:
            x = torch.tensor([ids[begin:end]], device='cuda')
            with torch.no_grad(): lp = torch.log_softmax(model(x).logits.float(), -1)[0]
            for t in range(first, end - begin):
                nll -= lp[t - 1, ids[begin + t]].item(); n += 1
        prev = end
        if end == len(ids): break
    return nll, n

def encode_pair(tok, ctx, cont):
    n = len(ctx) - len(ctx.rstrip())
    if n: cont = ctx[-n:] + cont; ctx = ctx[:-n]
    whole = tok.encode(ctx + cont, add_special_tokens=False); c = tok.encode(ctx, add_special_tokens=False)
    return whole[:len(c)], whole[len(c):]

def evaluate(model, tok):
    pre = tok.bos_token_id if tok.bos_token_id is not None else tok.eos_token_id
    tot, n, words, nbytes = 0.0, 0, 0, 0
    for d in docs:
        ids = tok.encode(d, add_special_tokens=False); ids = [pre] + ids if pre is not None else ids
        a, b = ll_windows(model, ids); tot += a; n += b
        words += len(re.split(r'\s+', d)); nbytes += len(d.encode('utf-8'))
    acc = accn = 0; lls = []
    for it in items:
        scores = []
        for ch in it['choices']:
            c, cont = encode_pair(tok, it['context'], ' ' + ch)
            allids = (c + cont)[-(ML + 1):]
            x = torch.tensor([allids[:-1]], device='cuda')
            with torch.no_grad(): lp = torch.log_softmax(model(x).logits.float(), -1)[0]
            L = len(allids) - 1
            s = sum(lp[L - len(cont) + j, cont[j]].item() for j in range(len(cont)))
            scores.append(s)
        lls.append(scores)
        acc += int(max(range(len(scores)), key=lambda i: scores[i]) == it['label'])
        norm = [s / len(ch) for s, ch in zip(scores, it['choices'])]  # lm-eval: len(choice), without the delimiter
        accn += int(max(range(len(norm)), key=lambda i: norm[i]) == it['label'])
    return {'perplexity': math.exp(tot / n), 'tokens': n, 'word_perplexity': math.exp(tot / words),
            'byte_perplexity': math.exp(tot / nbytes), 'bits_per_byte': tot / nbytes / math.log(2),
            'acc': 100 * acc / len(items), 'acc_norm': 100 * accn / len(items), 'choice_ll': lls}

out = {}
for arch, adapter in [('llama2', 'llama2_dora'), ('gpt2', 'gpt2_fan_in_fan_out'), ('qwen2', 'qwen2_lora')]:
    tok = AutoTokenizer.from_pretrained(f'{P}/models/{arch}')
    base = AutoModelForCausalLM.from_pretrained(f'{P}/models/{arch}', torch_dtype=torch.float32).cuda().eval()
    rb = evaluate(base, tok)
    merged = PeftModel.from_pretrained(base, f'{P}/adapters/{adapter}').merge_and_unload().eval()
    rm = evaluate(merged, tok)
    out[arch] = {'adapter': adapter, 'base': rb, 'merged': rm}
    print(arch, {k: v for k, v in rb.items() if k != 'choice_ll'}, {k: v for k, v in rm.items() if k != 'choice_ll'})
json.dump(out, open(os.path.join(os.environ.get('OUT', '.'), 'reference_metrics.json'), 'w'), indent=1)
