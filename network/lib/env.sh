# shellcheck shell=bash
# Shared by every network script: where things live, the topology and its ports, and helpers.
# Sourced, never run. All state lives under network/.state (NETWORK_STATE_DIR): one folder per
# host. Every organisation listens on 127.0.0.1 unless its definition names its own host.

# Network state holds keys and secrets: private to the user who runs the network.
umask 077

NETWORK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(dirname "$NETWORK_DIR")"
STATE_DIR="${NETWORK_STATE_DIR:-$NETWORK_DIR/.state}"
LOG_DIR="$STATE_DIR/logs"
PID_DIR="$STATE_DIR/pids"

FABRIC_VERSION=3.1.5
FABRIC_BIN="${FABRIC_BIN:-$HOME/.fabric/$FABRIC_VERSION/bin}"
# Fabric's release archive puts its default node configuration (core.yaml, orderer.yaml) beside bin/.
FABRIC_CONFIG="${FABRIC_CONFIG:-$(dirname "$FABRIC_BIN")/config}"

CHANNEL=audit
CHAINCODE_NAME=audit
CHAINCODE_VERSION=1.0
CHAINCODE_SEQUENCE=1

# The topology (network/topology.ts, built by `npm run build`): the organisations and the role each
# one's CA grants, from the contract's own consortium (the contract refuses a role from any other
# organisation, so the network cannot be set up otherwise); each one's client identity, registered
# with the audit.role attribute the contract reads; each one's index, which places its ports; the
# orderers per consensus (ORDERER_COUNT); and the node names (ca_name, peer_name, chaincode_name,
# witness_name, orderer_name).
[[ -f "$REPO_DIR/network/dist/topology.js" ]] ||
  { echo "network: build the project first (npm run build)" >&2 && exit 1; }
eval "$(node -e 'process.stdout.write(require(process.argv[1]).shellDeclarations())' \
  "$REPO_DIR/network/dist/topology.js")"

# Members: organisations that joined the channel after it was founded (`network.sh host init
# <MSP id> --member`). They hold the ledger, run the contract and endorse, and the contract grants
# them no role. One line each in $STATE_DIR/members, "<MSP id> <index> [removed]": the index,
# chosen by the member and carried in its definition, places its ports alike on every host.
MEMBERS_FILE="$STATE_DIR/members"
is_member() { [[ -f "$MEMBERS_FILE" ]] && grep -q "^$1 " "$MEMBERS_FILE"; }
if [[ -f "$MEMBERS_FILE" ]]; then
  while read -r member_id member_index member_state; do
    ORG_INDEX[$member_id]="$member_index"
    # A removed member's definition stays: its endorsements of older blocks still verify.
    [[ "$member_state" == removed ]] || PEER_ORGS+=("$member_id")
  done <"$MEMBERS_FILE"
  unset member_id member_index member_state
fi

PORT_BASE="${NETWORK_PORT_BASE:-17000}"
# CA of org i: API at base+100+10i, operations +1.
ca_port() { echo $((PORT_BASE + 100 + 10 * ORG_INDEX[$1])); }
ca_operations_port() { echo $(($(ca_port "$1") + 1)); }
# Orderer n: client API at base+200+10n, cluster +1, admin +2, operations +3.
orderer_port() { echo $((PORT_BASE + 200 + 10 * $1)); }
orderer_cluster_port() { echo $(($(orderer_port "$1") + 1)); }
orderer_admin_port() { echo $(($(orderer_port "$1") + 2)); }
orderer_operations_port() { echo $(($(orderer_port "$1") + 3)); }
# Peer of org i: API at base+300+10i, chaincode listener +1, operations +2, the org's audit
# chaincode service +3, the org's checkpoint witness +4, the org's floor chaincode service +5.
peer_port() { echo $((PORT_BASE + 300 + 10 * ORG_INDEX[$1])); }
peer_chaincode_listener_port() { echo $(($(peer_port "$1") + 1)); }
peer_operations_port() { echo $(($(peer_port "$1") + 2)); }
chaincode_service_port() {
  if [[ "${2:-audit}" == audit ]]; then echo $(($(peer_port "$1") + 3)); else echo $(($(peer_port "$1") + 5)); fi
}
witness_port() { echo $(($(peer_port "$1") + 4)); }

lower() { echo "${1,,}"; }
org_dir() { echo "$STATE_DIR/orgs/$(lower "$1")"; }
# Where an organisation's nodes listen and are reached: the address or DNS name its definition
# names (`network.sh host init --host`), or 127.0.0.1 when the organisations share one host.
org_host() { cat "$(org_dir "$1")/host" 2>/dev/null || echo 127.0.0.1; }
# host:port of an organisation's listener.
org_address() { echo "$(org_host "$1"):$2"; }
# The names an organisation's TLS certificates carry: its host, and loopback for tools on it.
tls_hosts() {
  local host
  host="$(org_host "$1")"
  if [[ "$host" == 127.0.0.1 ]]; then echo 127.0.0.1,localhost; else echo "$host,127.0.0.1,localhost"; fi
}
# The CA's root certificate: it signs every identity and every TLS certificate of the organisation.
org_root_cert() { echo "$(org_dir "$1")/msp/cacerts/ca.pem"; }
identity_dir() { echo "$(org_dir "$1")/identities/$2"; }
# Where an organisation keeps a contract's package and its package id.
package_dir() {
  if [[ "$2" == audit ]]; then echo "$(org_dir "$1")/chaincode"; else echo "$(org_dir "$1")/chaincode-$2"; fi
}
# The public copies of an orderer's certificates (cert.pem, tls.pem) that the channel names.
orderer_public_dir() { echo "$(org_dir "$ORDERER_ORG")/orderers/$(orderer_name "$1")"; }

consensus() { cat "$STATE_DIR/consensus" 2>/dev/null || echo raft; }
orderer_count() {
  if [[ "$(consensus)" == bft ]]; then echo "${ORDERER_COUNT[bft]}"; else echo "${ORDERER_COUNT[raft]}"; fi
}
orderer_numbers() { seq 1 "$(orderer_count)"; }

say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() {
  printf 'network: %s\n' "$*" >&2
  exit 1
}

require_fabric() {
  local missing=() program
  for program in peer orderer configtxgen configtxlator osnadmin fabric-ca-server fabric-ca-client; do
    [[ -x "$FABRIC_BIN/$program" ]] || missing+=("$program")
  done
  [[ -f "$FABRIC_CONFIG/core.yaml" && -f "$FABRIC_CONFIG/orderer.yaml" ]] || missing+=("config/core.yaml, config/orderer.yaml")
  if ((${#missing[@]} > 0)); then
    fail "Fabric $FABRIC_VERSION is not installed in FABRIC_BIN=$FABRIC_BIN (missing: ${missing[*]}).
Install Hyperledger Fabric $FABRIC_VERSION's release archive (bin/ and config/) and Fabric CA 1.5.x's
fabric-ca-server and fabric-ca-client into $(dirname "$FABRIC_BIN"), or set FABRIC_BIN to the bin/
folder that holds them. See README.md, 'Run on a real Fabric network'."
  fi
  local version
  version="$("$FABRIC_BIN/peer" version 2>/dev/null | sed -n 's/^ *Version: *//p')"
  [[ "$version" == "$FABRIC_VERSION" ]] ||
    fail "$FABRIC_BIN/peer is Fabric '${version:-unknown}'; this network needs Fabric $FABRIC_VERSION"
}

# Waits for the background jobs of one step; fails if any of them failed.
wait_all() {
  local job failed=0
  for job in $(jobs -p); do wait "$job" || failed=1; done
  ((failed == 0)) || fail "$1 failed (see the messages above)"
}

pid_of() { cat "$PID_DIR/$1.pid" 2>/dev/null; }
is_running() {
  local pid
  pid="$(pid_of "$1")" && [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# Starts a node in the background with its own log, and records its pid. Under a service
# manager (NETWORK_FOREGROUND=true, as network/systemd's units set) the node takes the script's
# place instead: the manager supervises it and keeps its log.
launch() {
  local name="$1"
  shift
  [[ "${NETWORK_FOREGROUND:-}" != true ]] || exec "$@"
  mkdir -p "$LOG_DIR" "$PID_DIR"
  is_running "$name" && return 0
  printf '\n--- %s started %s\n' "$name" "$(date -Is)" >>"$LOG_DIR/$name.log"
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$PID_DIR/$name.pid"
}

# Stops nodes by the pids they were started with (each leads its own process group): TERM,
# then KILL for any still there after 10 s.
stop_nodes() {
  local name pid pids=()
  for name in "$@"; do
    pid="$(pid_of "$name")" || continue
    kill -TERM -- "-$pid" 2>/dev/null && pids+=("$pid")
  done
  local deadline=$((SECONDS + 10))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  for name in "$@"; do rm -f "$PID_DIR/$name.pid"; done
}

# Polls `check` until it succeeds; on time-out fails with the node's log tail. A node this host
# started that exits meanwhile fails at once; another host's node is waited for.
wait_until() {
  local name="$1" seconds="$2" what="$3"
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [[ -f "$PID_DIR/$name.pid" ]] && ! is_running "$name"; then
      fail "$name exited while waiting for $what. Last lines of $LOG_DIR/$name.log:
$(tail -n 30 "$LOG_DIR/$name.log" 2>/dev/null)"
    fi
    if ((SECONDS >= deadline)); then
      fail "$name: no $what after ${seconds}s. Last lines of $LOG_DIR/$name.log:
$(tail -n 30 "$LOG_DIR/$name.log" 2>/dev/null)"
    fi
    sleep 0.2
  done
}

# Whether something accepts TCP connections at host:port.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# GET over TLS, checking the server against an organisation's root.
https_get() {
  local root="$1" url="$2"
  shift 2
  curl --silent --show-error --fail --max-time 3 --cacert "$root" "$@" "$url"
}

# The only private key an enrolled MSP folder holds.
keystore_key() {
  local keys=("$1"/keystore/*_sk)
  [[ ${#keys[@]} -eq 1 && -f "${keys[0]}" ]] || fail "expected one key in $1/keystore"
  echo "${keys[0]}"
}
