#!/usr/bin/env bash
# Every benchmark on every training backend, one after another (never in parallel: they would
# steal each other's cores). Writes the Markdown tables to stdout; progress goes to stderr.
#   bash bench/run_all.sh > bench/results-$(date +%F).md
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ROUNDS=${ROUNDS:-3}
SAMPLES=${SAMPLES:-13500}   # a quarter epoch per convnet run; the table scales to 54,000
for b in torch jax tensorflow; do
  $PY bench/mlp_step.py --backend "$b" --rounds "$ROUNDS"
  $PY bench/mlp_step.py --backend "$b" --rounds "$ROUNDS" --threads 1
  if [ "$b" != torch ]; then $PY bench/mlp_step.py --backend "$b" --rounds "$ROUNDS" --spe 16; fi
  $PY bench/convnet.py --backend "$b" --rounds "$ROUNDS" --samples "$SAMPLES"
  $PY bench/inference.py --backend "$b" --rounds "$ROUNDS"
  $PY bench/import_time.py --backend "$b" --rounds 5
  $PY bench/lstm.py --backend "$b" --rounds "$ROUNDS"
done
