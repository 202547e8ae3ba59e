#!/usr/bin/env bash
# Set up via-reports on a fresh Debian machine and build the demo output.
#
#   bash scripts/setup.sh
#
# 1. Debian packages WeasyPrint needs (installed with apt-get when missing);
# 2. a virtual environment in .venv/ with the package and its test tools;
# 3. the OFL fonts the PDF and charts embed (vendored in templates/pdf/fonts,
#    checked and, if missing, restored from Debian's packages);
# 4. a Jupyter kernel "via-reports" for the chapter notebooks;
# 5. the demo: validate and write the embedded demo dataset, then build the
#    interim (T0-T1) and final (T0-T2) demo reports into build/.
set -euo pipefail
cd "$(dirname "$0")/.."

# WeasyPrint's libraries; libharfbuzz-subset0 keeps embedded fonts reproducible;
# poppler-utils (pdftotext, pdffonts) lets the tests read the PDF as a person would;
# chromium lets them open report.html as a reader would (charts drawn under its
# Content-Security-Policy, nothing else run); chromium-driver lets Selenium drive it
# for axe-core (tests/axe.py), and npm installs axe-core (package.json).
DEBIAN_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 libffi8
                 shared-mime-info fontconfig poppler-utils chromium chromium-driver)
missing=()
if command -v dpkg >/dev/null 2>&1; then
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  command -v npm >/dev/null 2>&1 || missing+=(npm)  # Debian's npm, unless a Node.js with its own npm is there
fi
if ((${#missing[@]})); then
  echo "==> apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
echo "==> installing via-reports and its dependencies into .venv"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"

echo "==> installing axe-core (pinned in package.json) into node_modules/ for the accessibility tests"
if [ ! -f node_modules/axe-core/axe.min.js ] || ! grep -q "\"version\": \"$(sed -n 's/.*"axe-core": "\([^"]*\)".*/\1/p' package.json)\"" node_modules/axe-core/package.json; then
  npm install --no-audit --no-fund --ignore-scripts --loglevel=error
fi

echo "==> registering the Jupyter kernel 'via-reports'"
# For papermill and JupyterLab; it runs .venv's Python with its own log kept quiet.
# (A build needs no registered kernel: it runs the chapters in its own interpreter.)
.venv/bin/via-reports kernel install --sys-prefix >/dev/null

echo "==> checking the embedded fonts"
bash scripts/install_fonts.sh

echo "==> demo: validating and writing the embedded demo dataset to build/demo-data"
rm -rf build/demo-data
.venv/bin/via-reports validate --quiet
.venv/bin/via-reports demo-data build/demo-data
echo "==> demo: building the interim report (T0-T1) into build/demo-report"
.venv/bin/via-reports build build/demo-data --wave T1 --out build/demo-report
echo "==> demo: building the final report (T0-T2, effects) into build/demo-final"
.venv/bin/via-reports build build/demo-data --wave T2 --out build/demo-final
echo "==> set-up done: open build/demo-report/report.pdf"
