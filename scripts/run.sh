#!/usr/bin/env bash
# THE run command of the README: installs what the build needs (Debian
# packages, only when missing), builds a Release binary, and serves the demo
# backend on http://127.0.0.1:8080/mcp behind the OAuth authorization server
# (SQLite store and local accounts under ./var; the first start prints the
# password of the account `admin`, every start says where the binary is and
# which accounts exist).
#
#   bash scripts/run.sh [extra `gatehouse serve` options]
#
# Any option given is passed to `gatehouse serve` and overrides the defaults
# (e.g. --listen 127.0.0.1:9000, --backend builtin:everything).
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# The test-only npm packages are not needed to run the server.
GATEHOUSE_SKIP_NPM=1 bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target gatehouse

bin="$repo_root/build/app/gatehouse"
args=(--listen 127.0.0.1:8080 --auth oauth --backend builtin:demo --data-dir ./var "$@")
# The last --data-dir / --auth wins, as in `gatehouse serve`.
data_dir=./var
auth=oauth
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --data-dir) data_dir="${args[i + 1]:-}" ;;
    --data-dir=*) data_dir="${args[i]#--data-dir=}" ;;
    --auth) auth="${args[i + 1]:-}" ;;
    --auth=*) auth="${args[i]#--auth=}" ;;
  esac
done

# Said on stderr: stdout belongs to the server (the first start's password,
# and the protocol itself with --stdio).
{
  echo "gatehouse binary: $bin"
  echo "  every command: $bin --help (e.g. $bin users add NAME --data-dir $data_dir)"
  if [[ "$auth" == oauth ]]; then
    if [[ -f "$data_dir/gatehouse.db" ]]; then
      echo "accounts that can sign in (state in $data_dir):"
      if ! "$bin" users list --data-dir "$data_dir" | sed 's/^/  /'; then
        echo "  (could not list them; the server below says why if it cannot start)"
      fi
      echo "  forgot a password? $bin users passwd NAME --data-dir $data_dir"
    else
      echo "first start: the account admin is created and its password printed below"
    fi
  fi
} >&2
exec "$bin" serve "${args[@]}"
