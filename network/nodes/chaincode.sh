#!/usr/bin/env bash
# Starts one organisation's own copy of the audit contract as a chaincode service:
# `nodes/chaincode.sh <MSP id>`. It serves TLS with a certificate from the organisation's CA and
# accepts only clients (the organisation's peer) holding a certificate from that CA.
set -euo pipefail
# shellcheck source=network/lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"

org="${1:?usage: chaincode.sh <MSP id>}"
name="$(chaincode_name "$org")"
id="$(identity_dir "$org" chaincode)"
package_id="$(cat "$(org_dir "$org")/chaincode/package-id")"
address="127.0.0.1:$(chaincode_service_port "$org")"

launch "$name" env \
  CHAINCODE_SERVER_ADDRESS="$address" \
  CHAINCODE_ID="$package_id" \
  CHAINCODE_TLS_KEY_FILE="$id/tls/key.pem" \
  CHAINCODE_TLS_CERT_FILE="$id/tls/cert.pem" \
  CHAINCODE_TLS_CLIENT_CA_FILE="$id/tls/ca.pem" \
  CORE_CHAINCODE_LOGGING_LEVEL="${CORE_CHAINCODE_LOGGING_LEVEL:-WARNING}" \
  "$REPO_DIR/chaincode/start-service.sh"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_until "$name" 30 "listener on $address" port_open "$(chaincode_service_port "$org")"
