"""The Markdown table of benches/seeding.sh's JSON lines (and of
benches/seeding_peers.sh's, which carry the same fields): one row per
selection, grouped by graph, model and k.

    python3 benches/seeding_table.py target/seeding.jsonl [more.jsonl ...]
"""
import json
import sys


def cell(x, fmt):
    return "" if x is None else format(x, fmt)


def main(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            rows += [json.loads(line) for line in f if line.strip()]
    def key(r):
        if "failed" in r:
            flags = r["failed"].split()
            model = flags[flags.index("--model") + 1] if "--model" in flags else ""
            k = int(flags[flags.index("--k") + 1]) if "--k" in flags else 0
            return (r.get("graph", ""), model, k)
        return (r.get("graph", ""), r.get("model", ""), r.get("k", 0))

    rows.sort(key=key)
    print("| graph | model | k | engine | method | eps | threads | RR sets | guarantee | seconds | spread (MC) | se |")
    print("|---|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if "failed" in r:
            flags = r["failed"].split()
            flag = lambda name: flags[flags.index(name) + 1] if name in flags else ""
            print(
                f"| {r.get('graph','')} | {flag('--model')} | {flag('--k')} | {r.get('engine','')} "
                f"| {flag('--method')}: failed or timed out | {flag('--eps')} | {flag('--threads')} | | | | | |"
            )
            continue
        rr = r.get("method") in ("opim", "imm", "budgeted_opim")
        print(
            f"| {r.get('graph','')} | {r.get('model','')} | {r.get('k','')} | {r.get('engine','')} "
            f"| {r.get('method','')} | {r.get('eps','') if rr else ''} | {r.get('threads') or ''} "
            f"| {cell(r.get('rr_sets'), ',.0f')} | {cell(r.get('guarantee'), '.3f')} "
            f"| {cell(r.get('seconds'), '.4f')} | {cell(r.get('spread'), ',.1f')} | {cell(r.get('spread_se'), '.1f')} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
