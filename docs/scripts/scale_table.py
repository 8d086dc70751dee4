#!/usr/bin/env python3
"""Projects docs/benchmarks.md "Scale-out across a job matrix" from the measured Llama-3.2-1B warm analysis.

Run: python3 docs/scripts/scale_table.py   (prints the Markdown table and the arithmetic; nothing is measured here)
"""

# (hidden, MLP, layers, k/v rows): every linear weight of a Llama layer is q, k, v, o, gate, up, down.
MODELS = {
    "Llama-3.2-1B": (2048, 8192, 16, 512),
    "Llama-3.1-8B": (4096, 14336, 32, 1024),
    "Llama-3.1-70B": (8192, 28672, 80, 1024),
}

# docs/benchmarks.md, "Real-size models": warm analysis of 2 Llama-3.2-1B layers = 1.9 s fixed + 4.9 s of per-matrix work.
FIXED_S = 1.9
MEASURED_S = 4.9
MEASURED_MODEL, MEASURED_LAYERS = "Llama-3.2-1B", 2
SHARDS = (1, 4, 16)


def layer_shapes(hidden, mlp, kv):
    return [(hidden, hidden), (kv, hidden), (kv, hidden), (hidden, hidden), (mlp, hidden), (mlp, hidden), (hidden, mlp)]


def spectra_bytes_f16(m, n):
    """U0 (m×r) and V0 (n×r) in float16 and Σ0 (r) in float32, r = min(m, n)."""
    r = min(m, n)
    return (m + n) * r * 2 + r * 4


def model_figures(name):
    hidden, mlp, layers, kv = MODELS[name]
    shapes = layer_shapes(hidden, mlp, kv)
    per_layer = sum(spectra_bytes_f16(m, n) for m, n in shapes)
    return {
        "modules": len(shapes) * layers,
        "spectra": per_layer * layers,
        "per_layer": per_layer,
        "largest": max(spectra_bytes_f16(m, n) for m, n in shapes),
        "weights_bf16": sum(m * n * 2 for m, n in shapes) * layers,
    }


def main():
    measured = model_figures(MEASURED_MODEL)["per_layer"] * MEASURED_LAYERS
    rate = MEASURED_S / measured  # seconds per byte of F16-equivalent spectra (the work is per number read)
    print(f"rate = {MEASURED_S} s / {measured / 1e9:.3f} GB (2 layers of {MEASURED_MODEL}, F16) = {rate * 1e9:.2f} s per GB of spectra")
    print()
    print("| model | modules | spectra (F16) | base weights (bf16) | warm time per shard, N = 1 | N = 4 | N = 16 | spectra per shard, N = 16 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in MODELS:
        f = model_figures(name)
        # A shard holds whole matrices: never less than the largest one.
        times = [FIXED_S + rate * max(f["spectra"] / n, f["largest"]) for n in SHARDS]
        cells = " | ".join(duration(t) for t in times)
        print(f"| {name} | {f['modules']} | {f['spectra'] / 1e9:.1f} GB | {f['weights_bf16'] / 1e9:.1f} GB | {cells} | {f['spectra'] / 16 / 1e9:.2f} GB |")
    print()
    for name in MODELS:
        f = model_figures(name)
        print(f"{name}: {FIXED_S} s + {rate * 1e9:.2f} s/GB × {f['spectra'] / 1e9:.2f} GB / N")


def duration(seconds):
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


if __name__ == "__main__":
    main()
