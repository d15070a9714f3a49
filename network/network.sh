#!/usr/bin/env bash
# The three-organisation audit network, run natively from Fabric's installed programs.
#
#   network.sh up [--bft]     start (or resume) the network; --bft: 4 SmartBFT orderers, not 3 Raft
#   network.sh down           stop every process it started, by pid; state is kept
#   network.sh reset          down, then delete all state
#   network.sh status         each node: running, healthy, chain height
#   network.sh leader         the orderer that leads the channel's consensus now
#   network.sh stop|start <node>...            nodes, e.g. orderer2 peer0.creditorg (started at once)
#   network.sh identity add <MSP id> <name> <role>   register and enroll a client identity
#   network.sh identity revoke <MSP id> <name>       revoke it and publish the CRL on the channel
#   network.sh floor          deploy (or restart) the benchmark's trivial contract beside the audit one
#   network.sh compact        this host's peers, one at a time: erased private data leaves no copy
#
# Each organisation on its own host, holding only its own keys (docs/deployment.md), in order:
#   network.sh host init <MSP id> [--host <address>] [--bft]   its CA, identities and keys
#   network.sh host export <MSP id> <dir>       its public definition: roots, host, public keys
#   network.sh host import <dir>                another organisation's public definition
#   network.sh host found <MSP id> <dir> <secrets dir>   the channel, from every definition
#   network.sh host join <MSP id> <dir> [<secrets dir>]  its nodes started, joined, approving
#   network.sh host commit <MSP id>             the contract's definition, once a majority approved
#   network.sh host finish <MSP id>             its witness, connection file and trust file
# A member joining the running channel, or leaving it (docs/deployment.md):
#   network.sh host init <MSP id> --member [--host <address>]   a new organisation, no role
#   network.sh host propose <MSP id> add|remove <member> <file>  the channel update, signed
#   network.sh host sign|submit <MSP id> <file>                  another admin's signature; sent
#   network.sh host refresh <MSP id>            connection and trust files after the change
#   network.sh host floor <MSP id>; host commit <MSP id> floor   the benchmark's floor contract
set -euo pipefail
# shellcheck source=network/lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
# shellcheck source=network/lib/identities.sh
source "$NETWORK_DIR/lib/identities.sh"
# shellcheck source=network/lib/channel.sh
source "$NETWORK_DIR/lib/channel.sh"
# shellcheck source=network/lib/chaincode.sh
source "$NETWORK_DIR/lib/chaincode.sh"
# shellcheck source=network/lib/config-update.sh
source "$NETWORK_DIR/lib/config-update.sh"
# shellcheck source=network/lib/connection-file.sh
source "$NETWORK_DIR/lib/connection-file.sh"
# shellcheck source=network/lib/checkpoints.sh
source "$NETWORK_DIR/lib/checkpoints.sh"
# shellcheck source=network/lib/pseudonym-key.sh
source "$NETWORK_DIR/lib/pseudonym-key.sh"
# shellcheck source=network/lib/host.sh
source "$NETWORK_DIR/lib/host.sh"

READY_MARKER="$STATE_DIR/ready"

# The organisations whose keys are on this host: every one, or on its own host just the one.
is_local() { [[ -d "$(org_dir "$1")/identities" ]]; }
local_peer_orgs() {
  local org
  for org in "${PEER_ORGS[@]}"; do is_local "$org" && echo "$org"; done
  return 0
}

all_nodes() {
  local org n contract peer_orgs
  mapfile -t peer_orgs < <(local_peer_orgs)
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do is_local "$org" && ca_name "$org"; done
  if is_local "$ORDERER_ORG"; then
    for n in $(orderer_numbers); do orderer_name "$n"; done
  fi
  ((${#peer_orgs[@]} > 0)) || return 0
  for org in "${peer_orgs[@]}"; do peer_name "$org"; done
  for contract in "${CONTRACTS[@]}"; do
    contract_deployed "$contract" "${peer_orgs[0]}" || continue
    for org in "${peer_orgs[@]}"; do chaincode_name "$org" "$contract"; done
  done
  for org in "${peer_orgs[@]}"; do is_member "$org" || witness_name "$org"; done
}

org_of_node() {
  local org
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do
    [[ "${1#*.}" == "$(lower "$org")" ]] && { echo "$org"; return 0; }
  done
  fail "unknown node $1"
}

start_node() {
  local name="$1"
  case "$name" in
    ca.*) "$NETWORK_DIR/nodes/ca.sh" "$(org_of_node "$name")" ;;
    orderer[0-9]*) "$NETWORK_DIR/nodes/orderer.sh" "${name#orderer}" ;;
    peer0.*) "$NETWORK_DIR/nodes/peer.sh" "$(org_of_node "$name")" && wait_for_gossip ;;
    chaincode.*) "$NETWORK_DIR/nodes/chaincode.sh" "$(org_of_node "$name")" audit ;;
    floor.*) "$NETWORK_DIR/nodes/chaincode.sh" "$(org_of_node "$name")" floor ;;
    witness.*) "$NETWORK_DIR/nodes/witness.sh" "$(org_of_node "$name")" ;;
    *) fail "unknown node $name; network.sh status lists them" ;;
  esac
}

# Starts nodes at once: peers that come up together find each other through gossip together.
start_nodes() {
  local name
  for name in "$@"; do start_node "$name" & done
  wait_all "starting $*"
}

running_nodes() {
  local name
  for name in $(all_nodes); do is_running "$name" && echo "$name"; done
  return 0
}

# Every identity and key of an organisation, issued by its own (running) CA.
register_organisation() {
  local org="$1" n
  enroll_ca_admin "$org"
  write_org_msp "$org"
  register_identity "$org" admin admin
  if [[ "$org" == "$ORDERER_ORG" ]]; then
    for n in $(orderer_numbers); do register_identity "$org" "$(orderer_name "$n")" orderer; done
    publish_orderer_certificates
  else
    register_identity "$org" peer0 peer
    register_identity "$org" chaincode client
    register_identity "$org" gateway client
    # A member holds no role and runs no witness: the founders' witnesses cosign checkpoints.
    if ! is_member "$org"; then
      register_identity "$org" witness client
      register_identity "$org" "${ORG_CLIENT[$org]}" client "${ORG_ROLE[$org]}"
      create_witness_key "$org"
    fi
  fi
}

bootstrap() {
  local org n
  say "starting the certificate authorities"
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do "$NETWORK_DIR/nodes/ca.sh" "$org"; done
  say "issuing identities from each organisation's CA (nodes, admins, TLS, clients)"
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do register_organisation "$org" & done
  wait_all "issuing identities"
  say "starting $(orderer_count) $(consensus) orderers and ${#PEER_ORGS[@]} peers"
  for n in $(orderer_numbers); do "$NETWORK_DIR/nodes/orderer.sh" "$n" & done
  for org in "${PEER_ORGS[@]}"; do "$NETWORK_DIR/nodes/peer.sh" "$org" & done
  wait_all "starting nodes"
  say "creating channel $CHANNEL and joining every node"
  create_channel
  create_checkpoint_log
  say "deploying the audit contract: one chaincode service per organisation"
  deploy_contract audit
  wait_for_gossip
  say "starting each organisation's checkpoint witness"
  distribute_pseudonym_key
  for org in "${PEER_ORGS[@]}"; do write_witness_config "$org"; done
  write_connection_file
  for org in "${PEER_ORGS[@]}"; do "$NETWORK_DIR/nodes/witness.sh" "$org" & done
  wait_all "starting the witnesses"
  write_trust_file
  touch "$READY_MARKER"
}

# Starts whatever is not running (all of a stopped network, or what died of a running one).
resume() {
  local tier
  say "resuming the $(consensus) network from $STATE_DIR"
  # CAs, then orderers and peers together, then the chaincode services the peers dial, then
  # the witnesses that follow the peers.
  for tier in '^ca\.' '^(orderer|peer0\.)' '^(chaincode|floor)\.' '^witness\.'; do
    # shellcheck disable=SC2046 # node names never contain spaces
    start_nodes $(all_nodes | grep -E "$tier")
  done
  local org peer_orgs
  mapfile -t peer_orgs < <(local_peer_orgs)
  if ((${#peer_orgs[@]} == ${#PEER_ORGS[@]})); then
    wait_for_gossip
  else
    # One host of several: its peer is of use once it and the peers it knows through gossip
    # make a majority, enough to endorse; another host may be down meanwhile.
    for org in "${peer_orgs[@]}"; do
      wait_until "$(peer_name "$org")" 90 "gossip with a majority's peers" peer_knows_majority "$org"
    done
  fi
}

cmd_up() {
  local wanted=raft
  case "${1:-}" in
    --bft) wanted=bft ;;
    "") ;;
    *) fail "usage: network.sh up [--bft]" ;;
  esac
  require_fabric
  [[ -f "$REPO_DIR/chaincode/dist/index.js" ]] || fail "chaincode/dist is missing: run 'npm run build' first"
  local running all
  running="$(running_nodes | wc -l)"
  all="$(all_nodes | wc -l)"
  if [[ -f "$READY_MARKER" ]] && ((running == all)); then
    say "the network is already running ($running processes); nothing changed"
    return 0
  fi
  local started=$SECONDS
  if [[ -f "$READY_MARKER" ]]; then
    [[ "$(consensus)" == "$wanted" ]] ||
      fail "the state in $STATE_DIR is a $(consensus) network; run 'npm run network:reset' to start a $wanted one"
    resume
  else
    [[ ! -e "$STATE_DIR" ]] ||
      fail "$STATE_DIR holds a network whose start did not finish; run 'npm run network:reset' first"
    mkdir -p "$STATE_DIR" "$LOG_DIR" "$PID_DIR"
    echo "$wanted" >"$STATE_DIR/consensus"
    # A start that fails half-way stops what it started; its state stays for the logs.
    trap '[[ -f "$READY_MARKER" ]] || cmd_down' EXIT
    bootstrap
  fi
  say "the network is up in $((SECONDS - started)) s: channel $CHANNEL, chaincode $CHAINCODE_NAME"
  say "connection file: $STATE_DIR/connection.json; logs: $LOG_DIR"
}

# Clients first, so that no node logs its peers vanishing for longer than it must.
cmd_down() {
  local tier names
  for tier in 'witness.*' 'chaincode.*' 'floor.*' 'peer0.*' 'orderer*' 'ca.*'; do
    mapfile -t names < <(running_nodes | grep -x "${tier//\*/.*}")
    ((${#names[@]} > 0)) || continue
    stop_nodes "${names[@]}"
    say "stopped ${names[*]}"
  done
}

cmd_reset() {
  cmd_down
  rm -rf "$STATE_DIR"
  say "deleted $STATE_DIR"
}

node_health() {
  local name="$1" org url
  case "$name" in
    ca.*) org="$(org_of_node "$name")"
      url="https://$(org_address "$org" "$(ca_port "$org")")/cainfo" ;;
    orderer*) org="$ORDERER_ORG"
      url="https://$(org_address "$org" "$(orderer_operations_port "${name#orderer}")")/healthz" ;;
    peer0.*) org="$(org_of_node "$name")"
      url="https://$(org_address "$org" "$(peer_operations_port "$org")")/healthz" ;;
    witness.*)
      org="$(org_of_node "$name")"
      if curl --silent --fail --max-time 3 "http://$(org_address "$org" "$(witness_port "$org")")/healthz" >/dev/null; then
        echo healthy
      else
        echo unhealthy
      fi
      return 0 ;;
    *) echo "-"; return 0 ;;
  esac
  if https_get "$(org_root_cert "$org")" "$url" >/dev/null 2>&1; then echo healthy; else echo unhealthy; fi
}

node_height() {
  local name="$1"
  case "$name" in
    orderer*) osnadmin_as_orderer_admin "${name#orderer}" list --channelID "$CHANNEL" 2>/dev/null |
      sed -n 's/.*"height": *\([0-9]*\).*/\1/p' ;;
    peer0.*) peer_height "$(org_of_node "$name")" ;;
  esac
}

cmd_status() {
  [[ -d "$STATE_DIR" ]] || { echo "no network: run 'npm run network:up'"; return 0; }
  printf '%-22s %-8s %-8s %-10s %s\n' NODE PID STATE HEALTH HEIGHT
  local name pid
  for name in $(all_nodes); do
    if is_running "$name"; then
      pid="$(pid_of "$name")"
      printf '%-22s %-8s %-8s %-10s %s\n' "$name" "$pid" running "$(node_health "$name")" "$(node_height "$name")"
    else
      printf '%-22s %-8s %-8s %-10s %s\n' "$name" - stopped - -
    fi
  done
}

require_ready() {
  [[ -f "$READY_MARKER" ]] || fail "no network has been set up: run 'npm run network:up'"
}

# The benchmark's floor: a trivial contract with the same endorsement policy, so that a benchmark
# can tell the network's own cost from the audit contract's and the gateway's.
cmd_floor() {
  require_ready
  [[ -f "$REPO_DIR/scripts/dist/floor-chaincode.js" ]] || fail "scripts/dist is missing: run 'npm run build' first"
  if chaincode_committed_on "$(local_peer_orgs | head -n 1)" floor; then
    # shellcheck disable=SC2046 # node names never contain spaces
    start_nodes $(all_nodes | grep '^floor\.')
  else
    say "deploying the floor contract: one chaincode service per organisation"
    deploy_contract floor
  fi
  say "the floor contract is deployed on channel $CHANNEL"
}

# Purged private data stays in a peer's LevelDB journals and tables until they are compacted:
# each of this host's peers is stopped, its databases compacted offline, and started again, one
# at a time so that the others go on endorsing (docs/privacy.md).
cmd_compact() {
  require_ready
  local tool="$STATE_DIR/bin/leveldb" org name databases
  local go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
  [[ -x "$go" ]] || fail "compacting needs Go (https://go.dev/dl) to build network/tools/leveldb"
  (cd "$NETWORK_DIR/tools/leveldb" && "$go" build -o "$tool" .) || fail "could not build network/tools/leveldb"
  for org in $(local_peer_orgs); do
    name="$(peer_name "$org")"
    stop_nodes "$name"
    mapfile -t databases < <(find "$STATE_DIR/nodes/$name/ledger" -name CURRENT -printf '%h\n')
    "$tool" compact "${databases[@]}" || fail "compacting $name's databases failed; it is stopped"
    start_nodes "$name"
    say "compacted ${#databases[@]} databases of $name"
  done
}

cmd_identity() {
  require_ready
  case "${1:-}" in
    add)
      [[ $# -eq 4 ]] || fail "usage: network.sh identity add <MSP id> <name> <role>"
      [[ -n "${ORG_INDEX[$2]:-}" && "$2" != "$ORDERER_ORG" ]] || fail "unknown organisation $2"
      register_identity "$2" "$3" client "$4"
      write_connection_file
      say "$3 enrolled with $2's CA as $4; its certificate and key are in $(identity_dir "$2" "$3")/msp"
      ;;
    revoke)
      [[ $# -eq 3 ]] || fail "usage: network.sh identity revoke <MSP id> <name>"
      [[ -n "${ORG_INDEX[$2]:-}" && "$2" != "$ORDERER_ORG" ]] || fail "unknown organisation $2"
      revoke_identity "$2" "$3"
      write_connection_file
      say "$3 of $2 is revoked, and the channel's configuration carries $2's new CRL"
      ;;
    *) fail "usage: network.sh identity add|revoke ..." ;;
  esac
}

command="${1:-}"
shift || true
case "$command" in
  up) cmd_up "$@" ;;
  down) cmd_down ;;
  reset) cmd_reset ;;
  status) cmd_status ;;
  leader) require_ready; consensus_leader || fail "no orderer leads $CHANNEL now" ;;
  stop) require_ready; stop_nodes "${@:?usage: network.sh stop <node>...}"; say "stopped $*" ;;
  start) require_ready; start_nodes "${@:?usage: network.sh start <node>...}"; say "started $*" ;;
  identity) cmd_identity "$@" ;;
  floor) cmd_floor ;;
  compact) cmd_compact ;;
  host) cmd_host "$@" ;;
  *) sed -n '2,23s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; [[ -z "$command" || "$command" == --help ]] || exit 2 ;;
esac
