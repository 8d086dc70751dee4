# Token ids from HF tokenizers for every paragraph of eval.txt and every multiple-choice pair of mc.jsonl, for all
# seven peer models: ModelGate's tokenizers must give the same ids (the perplexity and the lm-eval pairs depend on it).
import json, os, re
from transformers import AutoTokenizer
here = os.path.dirname(os.path.abspath(__file__)); P = os.environ.get('PEER_VECTORS', os.path.join(here, 'pv'))  # tests/vectors/peer-vectors
text = open(f'{P}/eval.txt').read().replace('\r\n', '\n')
docs = [p.strip('\n') for p in re.split(r'\n[ \t]*\n+', text) if p.strip()]
items = [json.loads(l) for l in open(f'{here}/mc.jsonl')]
out = {'documents': docs, 'items': items, 'models': {}}
for arch in sorted(os.listdir(f'{P}/models')):
    if not os.path.isdir(f'{P}/models/{arch}'): continue
    tok = AutoTokenizer.from_pretrained(f'{P}/models/{arch}')
    pairs = []
    for it in items:
        for ch in it['choices']:
            ctx, cont = it['context'], ' ' + ch
            whole = tok.encode(ctx + cont, add_special_tokens=False); c = tok.encode(ctx, add_special_tokens=False)
            pairs.append([whole[:len(c)], whole[len(c):]])
    out['models'][arch] = {'documents': [tok.encode(d, add_special_tokens=False) for d in docs], 'pairs': pairs}
json.dump(out, open(os.path.join(os.environ.get('OUT', '.'), 'hf_token_ids.json'), 'w'))
print({a: sum(len(d) for d in m['documents']) for a, m in out['models'].items()})
