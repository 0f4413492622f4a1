#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the pinned requirements (see README, "Python 3.11").
# Usage: scripts/install.sh [--test]   (--test adds requirements/test.txt).
# Each part is skipped in seconds when its stamp, keyed on its files' hash, exists.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin=${PYTHON:-$(command -v python3.11 || command -v python3)}
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-input)
log=var/logs/install.log
mkdir -p .stamps var/logs

hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
step() { "$@" >>"$log" 2>&1 || { echo "Install step failed: $*"; tail -30 "$log"; exit 1; }; }

base_stamp=.stamps/base-$(hash_of requirements/base.txt requirements/rasa.txt web/package-lock.json)
if [ -f "$base_stamp" ] && [ -x .venv/bin/python ] && [ -f .spacy/en_backcare/meta.json ]; then
  echo "Dependencies up to date."
else
  echo "Installing dependencies (a few minutes on a fresh machine; log: $log)..."
  [ -x .venv/bin/python ] || step "$python_bin" -m venv .venv
  step "${pip[@]}" pip==24.3.1
  # 1. rasa's dependency set, resolved normally (pins that work on Python 3.11)
  step "${pip[@]}" -r requirements/base.txt
  # 2. rasa and rasa-sdk: their wheels declare Python <3.11, so they go in without resolution
  step "${pip[@]}" --no-deps --ignore-requires-python -r requirements/rasa.txt
  # 3. the spaCy pipeline directory SpacyNLP loads (built locally, nothing downloaded)
  step .venv/bin/python -m backcare.spacy_pipeline
  # 4. the web chat widget's browser packages
  if [ -f web/package-lock.json ]; then
    step npm ci --prefix web --no-audit --no-fund --loglevel=error
  fi
  rm -f .stamps/base-*
  touch "$base_stamp"
  echo "Dependencies installed."
fi

if [ "${1:-}" = "--test" ]; then
  test_stamp=.stamps/test-$( (cat requirements/test.txt; echo "$base_stamp") | sha256sum | cut -c1-16)
  if [ ! -f "$test_stamp" ]; then
    # base.txt as constraints keeps every package rasa pins where it is
    step "${pip[@]}" -r requirements/test.txt -c requirements/base.txt
    rm -f .stamps/test-*
    touch "$test_stamp"
    echo "Test tools installed."
  fi
fi
