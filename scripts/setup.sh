#!/usr/bin/env bash
# Set up ocrforge on a fresh Debian machine.
#   scripts/setup.sh          reading only: numpy, Pillow, OpenCV, onnxruntime, fpdf2 (no torch)
#   scripts/setup.sh --dev    + training (torch CPU), fonts, Tesseract and RapidOCR for comparisons, pytest,
#                             scipy/h5py/lmdb for the dataset readers, pdfplumber and poppler's pdftotext
#                             to read scanned PDFs back, FastAPI/uvicorn for `ocrforge serve`, Ray for
#                             `ocrforge index --engine ray`, and Debian's
#                             chromium driven by Playwright to test the web page
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
python3 -m pip install -q --disable-pip-version-check -e .
if [ "${1:-}" = "--dev" ]; then
  bash scripts/install-fonts.sh
  sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends \
    tesseract-ocr tesseract-ocr-eng poppler-utils chromium > /dev/null
  python3 -m pip install -q --disable-pip-version-check -e ".[train,dev,bench,data,serve,ray,lexicon]"
fi
command -v pyenv > /dev/null && pyenv rehash || true
