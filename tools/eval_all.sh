#!/usr/bin/env bash
# Every question file of the repository through `askbrief eval`, into one folder, to compare two
# versions (tools/compare_details.py BEFORE AFTER NAME=FILE... for the answers that moved).
# usage (from the repository root, with the version to measure installed): bash tools/eval_all.sh OUTDIR
# Writes OUTDIR/NAME.pred.json, NAME.details.jsonl, NAME.report.json (--json) and NAME.err;
# a file that fails is named in OUTDIR/rc. A fresh data and cache folder: nothing of the user's.
set -e
out=$1; mkdir -p "$out"
export ASKBRIEF_DATA_DIR=$(mktemp -d) ASKBRIEF_CACHE_DIR=$(mktemp -d)
for f in tests/data/squad2-tune.json tests/data/squad2-train.json tests/data/seeds-questions.jsonl \
         tests/data/seeds-heldout.jsonl tests/data/seeds-heldout2.jsonl tests/data/seeds-heldout3.jsonl \
         tests/data/seeds-free-train.jsonl tests/data/seeds-free-blind.jsonl tests/data/followups-referents.jsonl \
         tests/data/followups-seeds.jsonl tests/data/eval/questions.jsonl tests/data/eval/conversations.jsonl \
         tests/data/eval/tiny-squad.json; do
  [ -e "$f" ] || continue
  n=$(basename "$f"); n=${n%.*}
  extra=()
  if [ "$n" = questions ] || [ "$n" = conversations ]; then extra=(--corpus tests/data/eval/brief); fi
  python -m askbrief eval "$f" "${extra[@]}" --predictions "$out/$n.pred.json" --details "$out/$n.details.jsonl" \
    --json > "$out/$n.report.json" 2> "$out/$n.err" || echo "rc=$? $f" >> "$out/rc"
done
