#!/usr/bin/env bash
# Runs the audit contract as a chaincode service (Fabric's chaincode-as-a-service): the peer
# dials this process through the external builder, so start it before invoking the chaincode.
#
#   CHAINCODE_SERVER_ADDRESS   host:port to listen on          (default 127.0.0.1:9999)
#   CHAINCODE_ID               package id the peers installed  (default audit:dev)
#   CHAINCODE_TLS_KEY_FILE, CHAINCODE_TLS_CERT_FILE, CHAINCODE_TLS_CLIENT_CA_FILE
#                              PEM files; TLS is on when the key and certificate are set
#   CORE_CHAINCODE_LOGGING_LEVEL  fabric-shim's log level      (default INFO)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ ! -f dist/index.js ]]; then
  echo "start-service: chaincode/dist is missing; run 'npm run build' first" >&2
  exit 1
fi

args=(
  server
  --chaincode-address "${CHAINCODE_SERVER_ADDRESS:-127.0.0.1:9999}"
  --chaincode-id "${CHAINCODE_ID:-audit:dev}"
  --module-path "$PWD"
)
if [[ -n "${CHAINCODE_TLS_KEY_FILE:-}" || -n "${CHAINCODE_TLS_CERT_FILE:-}" ]]; then
  args+=(--chaincode-tls-key-file "${CHAINCODE_TLS_KEY_FILE:?TLS needs CHAINCODE_TLS_KEY_FILE}")
  args+=(--chaincode-tls-cert-file "${CHAINCODE_TLS_CERT_FILE:?TLS needs CHAINCODE_TLS_CERT_FILE}")
  if [[ -n "${CHAINCODE_TLS_CLIENT_CA_FILE:-}" ]]; then
    args+=(--chaincode-tls-client-cacert-file "$CHAINCODE_TLS_CLIENT_CA_FILE")
  fi
fi

exec node "$(node -p 'require.resolve("fabric-shim/cli.js")')" "${args[@]}"
