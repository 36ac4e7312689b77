#!/usr/bin/env bash
# Run the whole test suite (slow end-to-end tests included) in the .venv made by scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    echo "No .venv yet: run 'bash scripts/setup.sh' first." >&2
    exit 2
fi
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
