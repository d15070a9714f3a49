# shellcheck shell=bash
# The channel: its configuration, its genesis block, and joining every node to it. Sourced.

# Runs the peer CLI as an organisation's admin, against that organisation's peer, with mutual TLS.
as_admin() {
  local org="$1" admin
  shift
  admin="$(identity_dir "$org" admin)"
  env FABRIC_CFG_PATH="$FABRIC_CONFIG" \
    FABRIC_LOGGING_SPEC="${PEER_CLI_LOGGING:-WARNING}" \
    CORE_PEER_LOCALMSPID="$org" \
    CORE_PEER_MSPCONFIGPATH="$admin/msp" \
    CORE_PEER_ADDRESS="$(org_address "$org" "$(peer_port "$org")")" \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_TLS_ROOTCERT_FILE="$(org_root_cert "$org")" \
    CORE_PEER_TLS_CLIENTAUTHREQUIRED=true \
    CORE_PEER_TLS_CLIENTCERT_FILE="$admin/tls/cert.pem" \
    CORE_PEER_TLS_CLIENTKEY_FILE="$admin/tls/key.pem" \
    "$FABRIC_BIN/peer" "$@"
}

# Runs a peer CLI command that also sends a transaction to an orderer, with mutual TLS there too.
as_admin_via_orderer() {
  local org="$1" admin
  shift
  admin="$(identity_dir "$org" admin)"
  as_admin "$org" "$@" -o "$(org_address "$ORDERER_ORG" "$(orderer_port "$(first_reachable_orderer)")")" \
    --tls --cafile "$(org_root_cert "$ORDERER_ORG")" \
    --clientauth --certfile "$admin/tls/cert.pem" --keyfile "$admin/tls/key.pem"
}

# The first orderer that accepts connections, wherever the orderers run.
first_reachable_orderer() {
  local n
  for n in $(orderer_numbers); do
    port_open "$(org_host "$ORDERER_ORG")" "$(orderer_port "$n")" && { echo "$n"; return 0; }
  done
  fail "no orderer answers on $(org_host "$ORDERER_ORG")"
}

osnadmin_as_orderer_admin() {
  local n="$1" admin
  shift
  admin="$(identity_dir "$ORDERER_ORG" admin)"
  "$FABRIC_BIN/osnadmin" channel "$@" -o "$(org_address "$ORDERER_ORG" "$(orderer_admin_port "$n")")" \
    --ca-file "$(org_root_cert "$ORDERER_ORG")" \
    --client-cert "$admin/tls/cert.pem" --client-key "$admin/tls/key.pem"
}

write_orderer_section() {
  local n id
  if [[ "$(consensus)" == bft ]]; then
    cat <<YAML
      OrdererType: BFT
      SmartBFT:
        RequestBatchMaxCount: 500
        RequestBatchMaxBytes: 10485760
        RequestBatchMaxInterval: 100ms
        IncomingMessageBufferSize: 200
        RequestPoolSize: 2000
        RequestForwardTimeout: 2s
        RequestComplainTimeout: 20s
        RequestAutoRemoveTimeout: 3m
        ViewChangeResendInterval: 5s
        ViewChangeTimeout: 20s
        LeaderHeartbeatTimeout: 10s
        LeaderHeartbeatCount: 10
        CollectTimeout: 1s
        SyncOnStart: true
        SpeedUpViewChange: false
      ConsenterMapping:
YAML
    for n in $(orderer_numbers); do
      id="$(orderer_public_dir "$n")"
      cat <<YAML
        - ID: $n
          Host: $(org_host "$ORDERER_ORG")
          Port: $(orderer_cluster_port "$n")
          MSPID: $ORDERER_ORG
          Identity: $id/cert.pem
          ClientTLSCert: $id/tls.pem
          ServerTLSCert: $id/tls.pem
YAML
    done
  else
    cat <<YAML
      OrdererType: etcdraft
      EtcdRaft:
        Options:
          TickInterval: 500ms
          ElectionTick: 10
          HeartbeatTick: 1
          MaxInflightBlocks: 5
          SnapshotIntervalSize: 16 MB
        Consenters:
YAML
    for n in $(orderer_numbers); do
      id="$(orderer_public_dir "$n")"
      cat <<YAML
          - Host: $(org_host "$ORDERER_ORG")
            Port: $(orderer_cluster_port "$n")
            ClientTLSCert: $id/tls.pem
            ServerTLSCert: $id/tls.pem
YAML
    done
  fi
}

signature_policies() {
  local readers="$1" writers="$2" admins="$3"
  cat <<YAML
      Readers: { Type: Signature, Rule: "$readers" }
      Writers: { Type: Signature, Rule: "$writers" }
      Admins: { Type: Signature, Rule: "$admins" }
YAML
}

# A peer organisation's definition as configtx.yaml names it: its MSP, policies and anchor peer.
write_peer_org_section() {
  local org="$1"
  echo "  - &$org"
  echo "    Name: $org"
  echo "    ID: $org"
  echo "    MSPDir: $(org_dir "$org")/msp"
  echo "    Policies:"
  signature_policies "OR('$org.admin', '$org.peer', '$org.client')" \
    "OR('$org.admin', '$org.client')" "OR('$org.admin')"
  echo "      Endorsement: { Type: Signature, Rule: \"OR('$org.peer')\" }"
  echo "    AnchorPeers:"
  echo "      - { Host: $(org_host "$org"), Port: $(peer_port "$org") }"
}

# A configtx.yaml in <dir> holding one member's definition, for `configtxgen -printOrg`.
write_member_configtx() {
  { echo "Organizations:" && write_peer_org_section "$1"; } >"$2/configtx.yaml"
}

write_configtx() {
  local dir="$STATE_DIR/channel" org n
  mkdir -p "$dir"
  {
    echo "Organizations:"
    echo "  - &$ORDERER_ORG"
    echo "    Name: $ORDERER_ORG"
    echo "    ID: $ORDERER_ORG"
    echo "    MSPDir: $(org_dir "$ORDERER_ORG")/msp"
    echo "    Policies:"
    signature_policies "OR('$ORDERER_ORG.member')" "OR('$ORDERER_ORG.member')" "OR('$ORDERER_ORG.admin')"
    echo "    OrdererEndpoints:"
    for n in $(orderer_numbers); do echo "      - $(org_address "$ORDERER_ORG" "$(orderer_port "$n")")"; done
    for org in "${PEER_ORGS[@]}"; do write_peer_org_section "$org"; done
    cat <<YAML
Profiles:
  AuditChannel:
    Capabilities: { V3_0: true }
    Policies:
      Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
      Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
      Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
    Orderer:
      # Group-committed writes keep two transactions in flight, so most blocks hold one: a
      # longer wait for more is mostly latency (250 ms halved the rate of single POSTs).
      BatchTimeout: 50ms
      BatchSize:
        MaxMessageCount: 500
        AbsoluteMaxBytes: 64 MB
        PreferredMaxBytes: 4 MB
      Capabilities: { V2_0: true }
      Organizations: [*$ORDERER_ORG]
      Policies:
        Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
        Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
        Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
        BlockValidation: { Type: ImplicitMeta, Rule: "ANY Writers" }
YAML
    write_orderer_section
    cat <<YAML
    Application:
      Capabilities: { V2_5: true }
      Organizations: [$(printf '*%s, ' "${PEER_ORGS[@]}" | sed 's/, $//')]
      Policies:
        Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
        Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
        Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
        # A write is valid only when a majority of the three organisations endorsed it.
        Endorsement: { Type: ImplicitMeta, Rule: "MAJORITY Endorsement" }
        LifecycleEndorsement: { Type: ImplicitMeta, Rule: "MAJORITY Endorsement" }
YAML
  } >"$dir/configtx.yaml"
}

# The orderer whose metrics say it leads the channel's consensus. Metrics, unlike health, are
# served only to a client certificate of the orderers' organisation.
consensus_leader() {
  local n metric admin metrics
  metric="consensus_$([[ "$(consensus)" == bft ]] && echo BFT || echo etcdraft)_is_leader{channel=\"$CHANNEL\"} 1"
  admin="$(identity_dir "$ORDERER_ORG" admin)"
  for n in $(orderer_numbers); do
    is_running "$(orderer_name "$n")" || continue
    metrics="$(https_get "$(org_root_cert "$ORDERER_ORG")" "https://$(org_address "$ORDERER_ORG" "$(orderer_operations_port "$n")")/metrics" \
      --cert "$admin/tls/cert.pem" --key "$admin/tls/key.pem")" || continue
    if grep -qF "$metric" <<<"$metrics"; then
      orderer_name "$n"
      return 0
    fi
  done
  return 1
}

# The channel's genesis block, from the organisations' public definitions: their MSP folders,
# hosts and the orderers' certificates. Whoever founds the channel needs nothing secret.
found_channel() {
  local dir="$STATE_DIR/channel"
  write_configtx
  FABRIC_CFG_PATH="$dir" "$FABRIC_BIN/configtxgen" -profile AuditChannel -channelID "$CHANNEL" \
    -outputBlock "$dir/$CHANNEL.block" >>"$LOG_DIR/configtxgen.log" 2>&1 ||
    fail "configtxgen failed: $(tail -n 5 "$LOG_DIR/configtxgen.log")"
}

# The orderers join all at once: a joining orderer first looks for the channel on the others.
join_orderers() {
  local n
  for n in $(orderer_numbers); do
    osnadmin_as_orderer_admin "$n" join --channelID "$CHANNEL" --config-block "$STATE_DIR/channel/$CHANNEL.block" \
      >>"$LOG_DIR/osnadmin.log" 2>&1 || fail "$(orderer_name "$n") did not join $CHANNEL: $(tail -n 3 "$LOG_DIR/osnadmin.log")" &
  done
  wait_all "joining the orderers to $CHANNEL"
  # The channel is reported active before its consensus has a leader; wait for the leader.
  wait_until "$(orderer_name 1)" 60 "consensus leader on $CHANNEL" consensus_leader
}

join_peer() {
  as_admin "$1" channel join -b "$STATE_DIR/channel/$CHANNEL.block" >>"$LOG_DIR/peer-cli.log" 2>&1 ||
    fail "$(peer_name "$1") did not join $CHANNEL: $(tail -n 3 "$LOG_DIR/peer-cli.log")"
}

create_channel() {
  local org
  found_channel
  join_orderers
  for org in "${PEER_ORGS[@]}"; do join_peer "$org"; done
}

# The chain height a peer reports, as its own organisation's admin asks it.
peer_height() {
  as_admin "$1" channel getinfo -c "$CHANNEL" 2>/dev/null | sed -n 's/.*"height":\([0-9]*\).*/\1/p'
}

# How many other peers a peer's gossip knows on the channel. Metrics, unlike health, are served
# only to a client certificate of the peer's own organisation.
peers_known_by() {
  local org="$1" admin metrics
  admin="$(identity_dir "$org" admin)"
  metrics="$(https_get "$(org_root_cert "$org")" "https://$(org_address "$org" "$(peer_operations_port "$org")")/metrics" \
    --cert "$admin/tls/cert.pem" --key "$admin/tls/key.pem")" || return 1
  sed -n "s/^gossip_membership_total_peers_known{channel=\"$CHANNEL\"} \([0-9]*\)$/\1/p" <<<"$metrics"
}

# Gateways find endorsers and readers through gossip: a peer is of use to the others only once
# every running peer knows every other running one.
running_peers_know_each_other() {
  local org running=() known
  for org in "${PEER_ORGS[@]}"; do is_running "$(peer_name "$org")" && running+=("$org"); done
  for org in "${running[@]}"; do
    known="$(peers_known_by "$org")"
    [[ -n "$known" ]] && ((known >= ${#running[@]} - 1)) || return 1
  done
}

wait_for_gossip() {
  wait_until "$(peer_name "${PEER_ORGS[0]}")" 90 "gossip between the running peers" running_peers_know_each_other
}

# Whether a peer and the others it knows make a majority of the organisations.
peer_knows_majority() {
  local known
  known="$(peers_known_by "$1")"
  [[ -n "$known" ]] && (((known + 1) * 2 > ${#PEER_ORGS[@]}))
}

# On its own host, an organisation's peer is of use once it knows every other organisation's.
peer_knows_all() {
  local known
  known="$(peers_known_by "$1")"
  [[ -n "$known" ]] && ((known >= ${#PEER_ORGS[@]} - 1))
}
