#!/usr/bin/env bash
# Starts one organisation's checkpoint witness: `nodes/witness.sh <MSP id>`. It follows the
# channel from its own organisation's peer with its own identity, and cosigns a checkpoint only
# when the tree is the tree of the blocks it holds (C2SP tlog-witness over HTTP on the organisation's host).
set -euo pipefail
# shellcheck source=network/lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"

org="${1:?usage: witness.sh <MSP id>}"
name="$(witness_name "$org")"
config="$(org_dir "$org")/witness/witness.json"
[[ -f "$REPO_DIR/gateway/dist/witness-main.js" ]] || fail "gateway/dist is missing: run 'npm run build' first"

launch "$name" node "$REPO_DIR/gateway/dist/witness-main.js" "$config"

healthy() { curl --silent --fail --max-time 2 "http://$(org_address "$org" "$(witness_port "$org")")/healthz"; }
wait_until "$name" 30 "listener on port $(witness_port "$org")" healthy
