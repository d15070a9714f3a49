#!/usr/bin/env bash
# Starts one organisation's peer: `nodes/peer.sh <MSP id>`. Chaincode runs as a service the
# peer dials (the ccaas builder in network/builders), so no Docker endpoint is configured.
# No key history database: the contract never updates a key nor asks for a key's history, and
# that database would index every key of every entry once more on every peer. Purged private
# data leaves the private data store's history at the next block rather than the hundredth, and
# its purges are not logged: the private data store names each purged key at INFO.
set -euo pipefail
# shellcheck source=network/lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"

org="${1:?usage: peer.sh <MSP id>}"
name="$(peer_name "$org")"
id="$(identity_dir "$org" peer0)"
data="$STATE_DIR/nodes/$name"
address="$(org_address "$org" "$(peer_port "$org")")"
mkdir -p "$data"

launch "$name" env \
  FABRIC_CFG_PATH="$FABRIC_CONFIG" \
  FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-INFO:grpc=warn:pvtdatastorage=warn}" \
  CORE_PEER_ID="$name" \
  CORE_PEER_LOCALMSPID="$org" \
  CORE_PEER_MSPCONFIGPATH="$id/msp" \
  CORE_PEER_LISTENADDRESS="$address" \
  CORE_PEER_ADDRESS="$address" \
  CORE_PEER_CHAINCODELISTENADDRESS="$(org_address "$org" "$(peer_chaincode_listener_port "$org")")" \
  CORE_PEER_CHAINCODEADDRESS="$(org_address "$org" "$(peer_chaincode_listener_port "$org")")" \
  CORE_PEER_GOSSIP_BOOTSTRAP="$address" \
  CORE_PEER_GOSSIP_EXTERNALENDPOINT="$address" \
  CORE_PEER_GOSSIP_RECONNECTINTERVAL=5s \
  CORE_PEER_TLS_ENABLED=true \
  CORE_PEER_TLS_CERT_FILE="$id/tls/cert.pem" \
  CORE_PEER_TLS_KEY_FILE="$id/tls/key.pem" \
  CORE_PEER_TLS_ROOTCERT_FILE="$id/tls/ca.pem" \
  CORE_PEER_TLS_CLIENTAUTHREQUIRED=true \
  CORE_PEER_TLS_CLIENTROOTCAS_FILES="$id/tls/ca.pem" \
  CORE_PEER_TLS_CLIENTCERT_FILE="$id/tls/cert.pem" \
  CORE_PEER_TLS_CLIENTKEY_FILE="$id/tls/key.pem" \
  CORE_PEER_FILESYSTEMPATH="$data/ledger" \
  CORE_LEDGER_SNAPSHOTS_ROOTDIR="$data/snapshots" \
  CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE=false \
  CORE_LEDGER_PVTDATASTORE_PURGEINTERVAL=1 \
  CORE_OPERATIONS_LISTENADDRESS="$(org_address "$org" "$(peer_operations_port "$org")")" \
  CORE_OPERATIONS_TLS_ENABLED=true \
  CORE_OPERATIONS_TLS_CERT_FILE="$id/tls/cert.pem" \
  CORE_OPERATIONS_TLS_KEY_FILE="$id/tls/key.pem" \
  CORE_OPERATIONS_TLS_CLIENTAUTHREQUIRED=false \
  CORE_OPERATIONS_TLS_CLIENTROOTCAS_FILES="$id/tls/ca.pem" \
  CORE_METRICS_PROVIDER=prometheus \
  CORE_VM_ENDPOINT= \
  CORE_CHAINCODE_EXTERNALBUILDERS="[{name: ccaas, path: $NETWORK_DIR/builders/ccaas}]" \
  "$FABRIC_BIN/peer" node start

wait_until "$name" 30 "healthy operations endpoint" \
  https_get "$(org_root_cert "$org")" "https://$(org_address "$org" "$(peer_operations_port "$org")")/healthz"
