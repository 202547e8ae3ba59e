#!/usr/bin/env bash
# Make sure the OFL fonts that the PDF and the charts embed are in place.
#
#   bash scripts/install_fonts.sh          # check; restore missing files
#
# The fonts are vendored in templates/pdf/fonts/<family>/ (with their OFL.txt),
# so normally there is nothing to do and this script only checks them. If a
# file is missing (e.g. a trimmed checkout), it is restored from Debian's
# packages fonts-lato / fonts-inter: from the installed package when present,
# otherwise with `apt-get download` (no root needed for that). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
FONTS=templates/pdf/fonts

# family folder | Debian package | folder inside the package | files
SPECS=(
  "lato|fonts-lato|/usr/share/fonts/truetype/lato|Lato-Regular.ttf Lato-Italic.ttf Lato-Bold.ttf Lato-BoldItalic.ttf"
  "inter|fonts-inter|/usr/share/fonts/opentype/inter|Inter-Regular.otf Inter-Italic.otf Inter-Bold.otf Inter-BoldItalic.otf"
)

workdir=""
cleanup() { if [ -n "$workdir" ]; then rm -rf "$workdir"; fi; }
trap cleanup EXIT

restored=0
for spec in "${SPECS[@]}"; do
  IFS='|' read -r family package source files <<<"$spec"
  mkdir -p "$FONTS/$family"
  for file in $files; do
    target="$FONTS/$family/$file"
    [ -s "$target" ] && continue
    if [ ! -s "$source/$file" ]; then
      if [ -z "$workdir" ]; then workdir="$(mktemp -d)"; chmod a+rwx "$workdir"; fi
      if [ ! -d "$workdir/$package" ]; then
        echo "==> fetching $package from Debian to restore $FONTS/$family"
        (cd "$workdir" && apt-get download -qq "$package" >/dev/null)
        dpkg-deb -x "$workdir/${package}"_*.deb "$workdir/$package"
      fi
      cp "$workdir/$package$source/$file" "$target"
    else
      cp "$source/$file" "$target"
    fi
    restored=$((restored + 1))
  done
  if [ ! -s "$FONTS/$family/OFL.txt" ]; then
    echo "error: $FONTS/$family/OFL.txt is missing; the font licence must ship with the fonts" >&2
    exit 1
  fi
done

if [ "$restored" -gt 0 ]; then
  echo "==> restored $restored font file(s) in $FONTS"
fi
