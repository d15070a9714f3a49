#!/usr/bin/env bash
# Starts one ordering node: `nodes/orderer.sh <n>`. It joins channels through its admin API
# (channel participation); there is no system channel. Waits until its health check passes.
set -euo pipefail
# shellcheck source=network/lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"

n="${1:?usage: orderer.sh <number>}"
name="$(orderer_name "$n")"
id="$(identity_dir "$ORDERER_ORG" "$name")"
data="$STATE_DIR/nodes/$name"
host="$(org_host "$ORDERER_ORG")"
mkdir -p "$data"
# Mutual TLS on the client listener, except under SmartBFT: Fabric 3.1.5's BFT block puller, with
# which an orderer catches up from the others, sends deliver requests without the TLS-binding hash
# that a listener requiring client certificates insists on, so a restarted orderer never syncs.
client_auth=true
[[ "$(consensus)" == bft ]] && client_auth=false
tls_roots="[$(org_root_cert "$ORDERER_ORG")$(for org in "${PEER_ORGS[@]}"; do printf ',%s' "$(org_root_cert "$org")"; done)]"

launch "$name" env \
  FABRIC_CFG_PATH="$FABRIC_CONFIG" \
  FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-INFO:grpc=warn}" \
  ORDERER_GENERAL_LISTENADDRESS="$host" \
  ORDERER_GENERAL_LISTENPORT="$(orderer_port "$n")" \
  ORDERER_GENERAL_LOCALMSPID="$ORDERER_ORG" \
  ORDERER_GENERAL_LOCALMSPDIR="$id/msp" \
  ORDERER_GENERAL_BOOTSTRAPMETHOD=none \
  ORDERER_GENERAL_TLS_ENABLED=true \
  ORDERER_GENERAL_TLS_CERTIFICATE="$id/tls/cert.pem" \
  ORDERER_GENERAL_TLS_PRIVATEKEY="$id/tls/key.pem" \
  ORDERER_GENERAL_TLS_ROOTCAS="[$id/tls/ca.pem]" \
  ORDERER_GENERAL_TLS_CLIENTAUTHREQUIRED="$client_auth" \
  ORDERER_GENERAL_TLS_CLIENTROOTCAS="$tls_roots" \
  ORDERER_GENERAL_CLUSTER_LISTENADDRESS="$host" \
  ORDERER_GENERAL_CLUSTER_LISTENPORT="$(orderer_cluster_port "$n")" \
  ORDERER_GENERAL_CLUSTER_SERVERCERTIFICATE="$id/tls/cert.pem" \
  ORDERER_GENERAL_CLUSTER_SERVERPRIVATEKEY="$id/tls/key.pem" \
  ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$id/tls/cert.pem" \
  ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$id/tls/key.pem" \
  ORDERER_GENERAL_CLUSTER_ROOTCAS="[$(org_root_cert "$ORDERER_ORG")]" \
  ORDERER_CHANNELPARTICIPATION_ENABLED=true \
  ORDERER_ADMIN_LISTENADDRESS="$host:$(orderer_admin_port "$n")" \
  ORDERER_ADMIN_TLS_ENABLED=true \
  ORDERER_ADMIN_TLS_CERTIFICATE="$id/tls/cert.pem" \
  ORDERER_ADMIN_TLS_PRIVATEKEY="$id/tls/key.pem" \
  ORDERER_ADMIN_TLS_ROOTCAS="[$id/tls/ca.pem]" \
  ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true \
  ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$(org_root_cert "$ORDERER_ORG")]" \
  ORDERER_OPERATIONS_LISTENADDRESS="$host:$(orderer_operations_port "$n")" \
  ORDERER_OPERATIONS_TLS_ENABLED=true \
  ORDERER_OPERATIONS_TLS_CERTIFICATE="$id/tls/cert.pem" \
  ORDERER_OPERATIONS_TLS_PRIVATEKEY="$id/tls/key.pem" \
  ORDERER_OPERATIONS_TLS_CLIENTAUTHREQUIRED=false \
  ORDERER_OPERATIONS_TLS_CLIENTROOTCAS="[$(org_root_cert "$ORDERER_ORG")]" \
  ORDERER_METRICS_PROVIDER=prometheus \
  ORDERER_FILELEDGER_LOCATION="$data/ledger" \
  ORDERER_CONSENSUS_WALDIR="$data/etcdraft/wal" \
  ORDERER_CONSENSUS_SNAPDIR="$data/etcdraft/snapshot" \
  "$FABRIC_BIN/orderer"

wait_until "$name" 30 "healthy operations endpoint" \
  https_get "$(org_root_cert "$ORDERER_ORG")" "https://$host:$(orderer_operations_port "$n")/healthz"
