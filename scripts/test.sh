#!/usr/bin/env bash
# Everything `make test` runs, in order, with one timing line per stage. Stops at the first
# failure with a non-zero exit. The last line sums up every pytest run.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
results=var/test-results
started_all=$(date +%s)

stage() {
  local name=$1; shift
  local started=$(date +%s)
  echo "==> $name"
  if "$@"; then
    echo "[timing] $name: $(( $(date +%s) - started )) s"
  else
    local code=$?
    echo "[timing] $name: FAILED after $(( $(date +%s) - started )) s"
    exit $code
  fi
}

train() { model=$($py -c 'from launcher.model import train_if_needed; print(train_if_needed())' | tail -1); }
test_stories() {
  $py -m rasa test core --model "$model" --stories tests/test_stories.yml \
    --out results/stories --fail-on-prediction-errors
}

rm -rf "$results" && mkdir -p "$results"
stage "install" scripts/install.sh --test
# quiet TensorFlow, no telemetry, for everything below (launcher/settings.py, PROCESS_SETTINGS)
export $($py -m launcher.settings)
stage "browser" scripts/install_browser.sh
stage "lint (ruff)" $py -m ruff check .
stage "format (ruff)" $py -m ruff format --check .
stage "generated NLU lookup is current" $py -m backcare.nlu_lookup --check
stage "generated warning-sign answer is current" $py -m backcare.warning_signs --check
stage "unit and action tests" $py -m pytest tests/unit tests/actions -q --junitxml=$results/unit.xml
stage "safety eval" $py -m bench.safety_eval
stage "rasa data validate" $py -m rasa data validate --domain domain.yml --data data \
  --config config.yml --fail-on-warnings
stage "train" train
stage "test stories" test_stories
stage "end-to-end tests" $py -m pytest tests/e2e -q --junitxml=$results/e2e.xml
stage "cluster packages (postgresql, redis, nginx)" scripts/install_cluster.sh
stage "cluster tests" $py -m pytest tests/cluster -q --junitxml=$results/cluster.xml
stage "nlu eval (held-out split)" $py -m bench.nlu_eval
# The held-out half is gated on the issue-8 targets it meets (no fallback on a message that
# names a stage or an area, see-soon recall); the other targets are printed, met or not (README,
# "Field messages").
stage "field eval (held-out half)" $py -m bench.field_eval --halves heldout --gate heldout \
  --gate-only fallback_rate_max,see_soon_recall --no-misses --json $results/field_eval.json

echo "[timing] make test total: $(( $(date +%s) - started_all )) s"
$py - "$results" <<'PY'
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for report in Path(sys.argv[1]).glob("*.xml"):
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    for key in totals:
        totals[key] += int(suite.get(key, 0))
failed = totals["failures"] + totals["errors"]
passed = totals["tests"] - failed - totals["skipped"]
print(f"pytest: {passed} passed, {failed} failed, {totals['skipped']} skipped")
PY
