"""Which answers a change moved: two runs of `askbrief eval` compared question by question.

Each folder holds NAME.details.jsonl and NAME.report.json for each question file, as
`askbrief eval Q --details D/NAME.details.jsonl --json > D/NAME.report.json` writes them;
each changed answer is scored by F1 before and after (SQuAD scoring, best gold answer).

usage: python tools/compare_details.py BEFORE_DIR AFTER_DIR NAME=QUESTIONS_FILE... [--blind NAME...]
Blind sets print aggregates only (how many changed, better, worse), never an answer.
"""
import json
import sys
from pathlib import Path

from askbrief.evaluate import f1_score, read_questions


def details(path):
    out = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out[d["id"]] = d
    return out


def main(argv):
    before, after, *rest = argv
    blind = set(rest[rest.index("--blind") + 1:]) if "--blind" in rest else set()
    pairs = rest[: rest.index("--blind")] if "--blind" in rest else rest
    for pair in pairs:
        name, qfile = pair.split("=", 1)
        gold = {c.id: c.answers for c in read_questions(qfile).cases if c.answers is not None}
        a, b = details(Path(before) / f"{name}.details.jsonl"), details(Path(after) / f"{name}.details.jsonl")
        fa = {i: 100 * f1_score(a[i]["answer"] or "", gold[i]) for i in gold if i in a}
        fb = {i: 100 * f1_score(b[i]["answer"] or "", gold[i]) for i in gold if i in b}
        changed = [i for i in gold if i in a and i in b and a[i]["answer"] != b[i]["answer"]]
        better = [i for i in changed if fb[i] > fa[i]]
        worse = [i for i in changed if fb[i] < fa[i]]
        ra = json.loads((Path(before) / f"{name}.report.json").read_text())["overall"]["f1"]
        rb = json.loads((Path(after) / f"{name}.report.json").read_text())["overall"]["f1"]
        print(f"{name}: n={len(gold)} overall F1 {ra} -> {rb}; answers changed {len(changed)} "
              f"(better {len(better)}, worse {len(worse)}, same F1 {len(changed) - len(better) - len(worse)})")
        if name in blind:
            continue
        for i in changed:
            print(f"  {i}: {a[i]['answer']!r} ({fa[i]:.0f}) -> {b[i]['answer']!r} ({fb[i]:.0f})")


if __name__ == "__main__":
    main(sys.argv[1:])
