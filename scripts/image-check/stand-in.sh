#!/usr/bin/env bash
# Makes a stand-in for the official `node:<major>-bookworm-slim` image when no registry can
# be reached: Debian bookworm (debootstrap minbase, today's updates, slimmed like
# debian:bookworm-slim), Node from the npm registry (`node-linux-<arch>`, binary and
# headers) laid out under /usr/local as the official image does, the npm that Node release
# bundles, a `node` user (uid/gid 1000) and the official docker-entrypoint.sh. Imported
# under the given name with the label tagrelay.stand-in=true.
# Differences from the real image: one layer, today's package versions, Node not
# GPG-verified, no corepack/yarn. It is for testing the project's Dockerfile, not shipping.
#
# usage: stand-in.sh IMAGE_NAME NODE_MAJOR WORK_DIR   (root; DOCKER names the docker client)
set -euo pipefail
name="$1" major="$2" work="$3"
read -r -a docker_cmd <<<"${DOCKER:-docker}"
case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
mirror="$( (sed -n 's/^URIs: *\(http[^ ]*debian\/*\)$/\1/p;s/^deb \(http[^ ]*debian\/*\) bookworm .*/\1/p' \
  /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null || true) | head -n1)"
mirror="${mirror:-http://deb.debian.org/debian}"
security="${mirror%/debian*}/debian-security"

if ! command -v debootstrap >/dev/null 2>&1; then
  echo "stand-in: installing Debian's debootstrap" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
rm -rf "$work" && mkdir -p "$work"
root="$work/rootfs"
echo "stand-in: debootstrap bookworm from $mirror" >&2
debootstrap --variant=minbase --include=libatomic1 bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

# slim like debian:bookworm-slim: no docs, man pages or locales; no recommends
cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/docker-no-recommends"
printf 'Acquire::Languages "none";\n' >"$root/etc/apt/apt.conf.d/docker-no-languages"
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"
echo "stand-in: updates from bookworm-updates and bookworm-security" >&2
chroot "$root" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -y -qq upgrade && apt-get clean' \
  >"$work/apt.log" 2>&1 || { tail -n 30 "$work/apt.log" >&2; exit 1; }
find "$root/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete 2>/dev/null || true
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
rm -rf "$root"/usr/share/{man,info,groff,lintian,linda}/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
: >"$root/etc/resolv.conf"

# Node from the npm registry, laid out as the official image does
echo "stand-in: node-linux-${arch}@${major} and its npm from the npm registry" >&2
mkdir -p "$work/npm"
(cd "$work/npm" && npm pack --silent "node-linux-${arch}@${major}" >/dev/null)
mkdir -p "$work/node" && tar -xzf "$work"/npm/node-linux-*.tgz -C "$work/node"
node_dir="$work/node/package"
version="$("$node_dir/bin/node" --version)"
npm_version="$(grep -m1 -oE 'upgrade npm to [0-9]+\.[0-9]+\.[0-9]+' "$node_dir/CHANGELOG.md" | awk '{print $4}')"
npm_version="${npm_version:-latest}"
install -m 0755 "$node_dir/bin/node" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/include" "$root/usr/local/share" "$root/usr/local/lib/node_modules"
cp -a "$node_dir/include/node" "$root/usr/local/include/node"
[ -d "$node_dir/share" ] && cp -a "$node_dir/share/." "$root/usr/local/share/"
(cd "$work/npm" && npm pack --silent "npm@${npm_version}" >/dev/null)
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -xzf "$work"/npm/npm-[0-9]*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
# Run command with node if the first argument contains a "-" or is not a system command.
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
EOF
chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"
chroot "$root" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
chroot "$root" /usr/local/bin/node -e "process.exit(0)"

# This machine's HTTPS goes through a proxy whose CA is in the system bundle: npm in the
# build stage needs it (the official image relies on Node's own CA list).
extra_env=()
if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$root/usr/local/share/stand-in"
  cp /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/stand-in/ca-certificates.crt"
  extra_env=(--change "ENV NODE_EXTRA_CA_CERTS=/usr/local/share/stand-in/ca-certificates.crt")
fi

tar -C "$root" -c . | "${docker_cmd[@]}" import \
  --change "ENV NODE_VERSION=${version#v}" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "${extra_env[@]}" \
  --change 'LABEL tagrelay.stand-in=true' \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["node"]' \
  - "$name" >/dev/null
echo "stand-in: $name = Debian bookworm + Node ${version} + npm ${npm_version}" >&2
rm -rf "$work"
