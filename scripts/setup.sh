#!/usr/bin/env bash
# Set up cardscan on a fresh Debian machine and run the main job on the bundled samples.
#   - Debian packages: Tesseract with German data (scripts/apt-packages.txt), the fonts the sample generator
#     uses (samples/fonts.txt), Chromium for browser tests (scripts/apt-test-packages.txt)
#   - a virtual environment in .venv with cardscan and everything it needs (CPU-only torch)
#   - then: cardscan minutes samples/ -o out   → out/minutes.md, out/cards.csv, out/cards.json
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
# Debian packages: the first word of each non-comment line of these lists
apt_packages=()
for list in scripts/apt-packages.txt samples/fonts.txt scripts/apt-test-packages.txt; do
    mapfile -t -O "${#apt_packages[@]}" apt_packages < <(grep -v '^\s*#' "$list" | awk 'NF{print $1}')
done

missing=()
for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "== installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    "$PYTHON" -m venv .venv
fi
echo "== installing cardscan and its dependencies into .venv"
log=.venv/pip-install.log
pip_install() { .venv/bin/python -m pip install "$@" >>"$log" 2>&1 || { cat "$log" >&2; echo "pip install failed (log: $log)" >&2; exit 1; }; }
: >"$log"
pip_install --upgrade pip
# torch first, pinned to the CPU wheel these machines carry: a bare "torch" would pull a multi-GB CUDA build.
pip_install "torch==2.13.0"
pip_install -e ".[test,research,web]"

echo "== reading the sample photos"
args=()
if [ -f samples/workshop.txt ]; then  # title, question and legend of the sample workshop, one "key: value" per line
    title=$(sed -n 's/^title: //p' samples/workshop.txt); question=$(sed -n 's/^question: //p' samples/workshop.txt)
    legend=$(sed -n 's/^legend: //p' samples/workshop.txt)
    args+=(--title "$title" --question "$question" --legend "$legend")
fi
.venv/bin/cardscan minutes samples/ -o out "${args[@]}"
echo "== done: out/minutes.md, out/cards.csv, out/cards.json"
