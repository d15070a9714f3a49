#!/usr/bin/env bash
# Starts one organisation's Fabric CA: `nodes/ca.sh <MSP id>`; it serves TLS on the
# organisation's host with a certificate it issues itself, so clients trust it through the CA's
# own certificate.
set -euo pipefail
# shellcheck source=network/lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"

org="${1:?usage: ca.sh <MSP id>}"
name="$(ca_name "$org")"
host="$(org_host "$org")"
home="$STATE_DIR/fabric-ca/$(lower "$org")"
mkdir -p "$home"

# The first start initialises the CA: its key and certificate, and a bootstrap admin with a
# random secret that only the CA's own files hold. The secret goes in FABRIC_CA_SERVER_BOOT,
# which the server reads like --boot, since arguments show in `ps`; init logs its settings,
# the bootstrap identity among them, so that line is redacted.
if [[ ! -f "$home/fabric-ca-server-config.yaml" ]]; then
  secret="$(openssl rand -hex 16)"
  (umask 077 && echo "$secret" >"$home/bootstrap.secret")
  mkdir -p "$LOG_DIR"
  (umask 077 && FABRIC_CA_SERVER_BOOT="ca-admin:$secret" \
    "$FABRIC_BIN/fabric-ca-server" init --home "$home" \
    --ca.name "$name" --csr.cn "$name" --csr.hosts "$(tls_hosts "$org")" 2>&1) |
    sed 's/^\(boot: *[^:]*:\).*/\1<redacted>/' >>"$LOG_DIR/$name.log" ||
    fail "initialising $name failed; see $LOG_DIR/$name.log"
fi

# `init` writes its own default address and port into the config file, so they, TLS and the
# names are given again at every start: flags win over the file.
launch "$name" env \
  FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS="$(org_address "$org" "$(ca_operations_port "$org")")" \
  "$FABRIC_BIN/fabric-ca-server" start \
  --home "$home" \
  --address "$host" --port "$(ca_port "$org")" \
  --tls.enabled \
  --ca.name "$name" \
  --csr.cn "$name" --csr.hosts "$(tls_hosts "$org")"

wait_until "$name" 30 "answer on https://$host:$(ca_port "$org")" \
  https_get "$home/ca-cert.pem" "https://$host:$(ca_port "$org")/cainfo"
