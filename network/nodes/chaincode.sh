#!/usr/bin/env bash
# Starts one organisation's own service of a contract: `nodes/chaincode.sh <MSP id> [audit|floor]`
# (the audit contract unless told). It serves TLS with a certificate from the organisation's CA
# and accepts only clients (the organisation's peer) holding a certificate from that CA.
set -euo pipefail
# shellcheck source=network/lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"

org="${1:?usage: chaincode.sh <MSP id> [audit|floor]}"
contract="${2:-audit}"
case "$contract" in
  audit) program=("$REPO_DIR/chaincode/start-service.sh") ;;
  floor) program=(node "$REPO_DIR/scripts/dist/floor-chaincode.js") ;;
  *) fail "unknown contract $contract: audit or floor" ;;
esac
name="$(chaincode_name "$org" "$contract")"
id="$(identity_dir "$org" chaincode)"
package_id="$(cat "$(package_dir "$org" "$contract")/package-id")"
port="$(chaincode_service_port "$org" "$contract")"
host="$(org_host "$org")"

launch "$name" env \
  CHAINCODE_SERVER_ADDRESS="$host:$port" \
  CHAINCODE_ID="$package_id" \
  CHAINCODE_TLS_KEY_FILE="$id/tls/key.pem" \
  CHAINCODE_TLS_CERT_FILE="$id/tls/cert.pem" \
  CHAINCODE_TLS_CLIENT_CA_FILE="$id/tls/ca.pem" \
  CORE_CHAINCODE_LOGGING_LEVEL="${CORE_CHAINCODE_LOGGING_LEVEL:-WARNING}" \
  "${program[@]}"

wait_until "$name" 30 "listener on $host:$port" port_open "$host" "$port"
