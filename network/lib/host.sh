# shellcheck shell=bash
# One organisation on its own host (`network.sh host ...`). Sourced. Each host has its own
# NETWORK_STATE_DIR and makes its organisation's CA, identities and keys there; between hosts
# travel only public definitions and the channel's founding files, both laid out as the state
# folder is (so importing one is a copy), and, over a channel the operators trust, the
# consortium's two shared secrets: the checkpoint log's signing key and the pseudonym key.

# Every file of a definition or founding folder that is not public: private keys of any form.
private_files_in() {
  grep -rlE -- '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----|^PRIVATE\+KEY\+' "$1" 2>/dev/null || true
}

# Copies a folder laid out as the state folder into it, once it is known to be public.
import_public() {
  local dir="$1" org private
  [[ -d "$dir" ]] || fail "no folder $dir"
  private="$(private_files_in "$dir")"
  [[ -z "$private" ]] || fail "$dir holds private keys, which never leave their host: $private"
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do
    if is_local "$org" && [[ -d "$dir/orgs/$(lower "$org")" ]]; then
      fail "$dir defines $org, whose own keys are on this host"
    fi
  done
  mkdir -p "$STATE_DIR"
  cp -R "$dir/." "$STATE_DIR/"
  local definition id index
  for definition in "$dir"/orgs/*/member; do
    [[ -f "$definition" ]] || continue
    read -r id index <"$definition"
    is_member "$id" || echo "$id $index" >>"$MEMBERS_FILE"
  done
}

require_local() {
  [[ -n "${ORG_INDEX[$1]:-}" ]] || fail "unknown organisation $1"
  is_local "$1" || fail "$1 was not initialised on this host (network.sh host init $1)"
}

# host init <MSP id> [--host <address>] [--bft | --member]: the organisation's CA, its identities
# (admin, nodes, clients), their keys and its witness key, all made here. The orderers'
# organisation decides the consensus (--bft: 4 SmartBFT orderers). --member: an organisation the
# contract grants no role, joining a running channel (network.sh host propose).
host_init() {
  local usage="usage: network.sh host init <MSP id> [--host <address>] [--bft | --member]"
  local org="${1:?$usage}" host=127.0.0.1 consensus=raft member=false
  shift
  while (($# > 0)); do
    case "$1" in
      --host) host="${2:?--host needs an address or DNS name}"; shift 2 ;;
      --bft) consensus=bft; shift ;;
      --member) member=true; shift ;;
      *) fail "unknown option $1" ;;
    esac
  done
  if [[ "$member" == true ]]; then
    [[ -z "${ORG_INDEX[$org]:-}" ]] || fail "$org is already an organisation of this network"
    [[ "$org" =~ ^[A-Za-z][A-Za-z0-9-]{0,63}$ ]] || fail "$org: an MSP id is a letter, then letters, digits or hyphens"
    add_member "$org"
  fi
  [[ -n "${ORG_INDEX[$org]:-}" ]] || fail "unknown organisation $org (a new one joins with --member)"
  ! is_local "$org" || fail "$org is already initialised in $STATE_DIR"
  require_fabric
  mkdir -p "$LOG_DIR" "$PID_DIR" "$(org_dir "$org")"
  echo "$host" >"$(org_dir "$org")/host"
  [[ "$org" != "$ORDERER_ORG" ]] || echo "$consensus" >"$STATE_DIR/consensus"
  say "initialising $org on $host: its CA, identities and keys"
  "$NETWORK_DIR/nodes/ca.sh" "$org"
  register_organisation "$org"
}

# Records a member with the next free index, which places its ports.
add_member() {
  local index=0 known
  for known in "${ORG_INDEX[@]}"; do ((known < index)) || index=$((known + 1)); done
  mkdir -p "$STATE_DIR"
  echo "$1 $index" >>"$MEMBERS_FILE"
  PEER_ORGS+=("$1")
  ORG_INDEX[$1]="$index"
}

# host export <MSP id> <dir>: what the other organisations need of this one, and nothing secret.
host_export() {
  local org="${1:?usage: network.sh host export <MSP id> <dir>}" out="${2:?usage: network.sh host export <MSP id> <dir>}" from to
  require_local "$org"
  from="$(org_dir "$org")"
  to="$out/orgs/$(lower "$org")"
  mkdir -p "$to"
  cp -R "$from/msp" "$from/host" "$to/"
  if [[ "$org" == "$ORDERER_ORG" ]]; then
    cp -R "$from/orderers" "$to/"
    cp "$STATE_DIR/consensus" "$out/consensus"
  elif is_member "$org"; then
    echo "$org ${ORG_INDEX[$org]}" >"$to/member"
  else
    mkdir -p "$to/witness"
    cp "$(witness_dir "$org")/witness.vkey" "$to/witness/"
  fi
  [[ -z "$(private_files_in "$out")" ]] || fail "refusing to export private keys from $from"
  say "$org's public definition is in $out"
}

# Whether every organisation's definition is on this host.
require_definitions() {
  local org
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do
    [[ -f "$(org_root_cert "$org")" && -f "$(org_dir "$org")/host" ]] ||
      fail "$org's definition is missing: import it first (network.sh host import <dir>)"
  done
}

# host found <MSP id> <dir> <secrets dir>: the channel's genesis block and the checkpoint log's
# origin and verifier key into <dir>, for every organisation; the log's signing key and the
# consortium pseudonym key into <secrets dir>, for the organisations that hold them. The
# founder keeps its own copies of what it holds.
host_found() {
  local usage="usage: network.sh host found <MSP id> <dir> <secrets dir>"
  local org="${1:?$usage}" out="${2:?$usage}" secrets="${3:?$usage}"
  require_local "$org"
  require_definitions
  say "founding channel $CHANNEL ($(consensus)) from ${#PEER_ORGS[@]} organisations' definitions"
  found_channel
  create_checkpoint_log
  mkdir -p "$out/channel" "$out/checkpoints" "$secrets/checkpoints"
  cp "$STATE_DIR/channel/$CHANNEL.block" "$out/channel/"
  cp "$(checkpoint_dir)/origin" "$(checkpoint_dir)/log.vkey" "$out/checkpoints/"
  cp "$STATE_DIR/consensus" "$out/consensus"
  cp "$(checkpoint_dir)/log.key" "$secrets/checkpoints/"
  openssl rand -hex 32 >"$secrets/pseudonym.key"
  if is_pseudonym_key_holder "$org"; then
    install -m 600 "$secrets/pseudonym.key" "$(pseudonym_key_file "$org")"
  fi
  [[ "$org" != "$ORDERER_ORG" ]] || rm -f "$(checkpoint_dir)/log.key"
  say "channel files for every organisation: $out; secrets to hand over and then delete: $secrets"
}

# Takes the consortium's secrets an organisation holds from the founder's folder, and refuses
# one it must not hold.
take_secrets() {
  local org="$1" secrets="$2"
  [[ -f "$secrets/checkpoints/log.key" ]] || fail "$secrets holds no checkpoints/log.key"
  install -m 600 "$secrets/checkpoints/log.key" "$(checkpoint_dir)/log.key"
  if is_pseudonym_key_holder "$org"; then
    [[ -f "$secrets/pseudonym.key" ]] || fail "$org pseudonymises credit subjects: $secrets holds no pseudonym.key"
    install -m 600 "$secrets/pseudonym.key" "$(pseudonym_key_file "$org")"
  elif [[ -e "$secrets/pseudonym.key" ]]; then
    fail "$org holds no credit subjects and must not be given the pseudonym key: remove it from $secrets"
  fi
}

# host join <MSP id> <dir> [<secrets dir>]: with the founder's channel files, the organisation
# starts its nodes and joins them; a peer organisation also starts its contract service,
# installs the package that points to it and approves the contract's definition.
host_join() {
  local usage="usage: network.sh host join <MSP id> <dir> [<secrets dir>]"
  local org="${1:?$usage}" dir="${2:?$usage}" secrets="${3:-}" n
  require_local "$org"
  [[ -f "$dir/channel/$CHANNEL.block" ]] || fail "$dir holds no channel/$CHANNEL.block"
  [[ -f "$STATE_DIR/channel/$CHANNEL.block" ]] || import_public "$dir"
  require_definitions
  if [[ "$org" == "$ORDERER_ORG" ]]; then
    say "starting $(orderer_count) $(consensus) orderers and joining them to $CHANNEL"
    for n in $(orderer_numbers); do "$NETWORK_DIR/nodes/orderer.sh" "$n" & done
    wait_all "starting the orderers"
    join_orderers
    touch "$READY_MARKER"
    return 0
  fi
  if is_member "$org"; then
    # A member signs no checkpoint and pseudonymises nothing: no consortium secret is its to hold.
    [[ -z "$secrets" ]] || fail "$org joins as a member and must not be given the consortium's secrets"
  else
    [[ -n "$secrets" ]] || fail "$org needs the founder's secrets folder: $usage"
    take_secrets "$org" "$secrets"
  fi
  say "starting $(peer_name "$org"), joining $CHANNEL and approving the audit contract"
  "$NETWORK_DIR/nodes/peer.sh" "$org"
  join_peer "$org"
  # A peer joins from the genesis block; a member can approve only once its peer has caught up
  # with the configuration that admitted it.
  local work latest_config
  work="$(mktemp -d "$STATE_DIR/join.XXXXXX")"
  latest_config="$(last_config_block "$org" "$work")"
  rm -rf "$work"
  wait_until "$(peer_name "$org")" 120 "block $latest_config" height_above "$org" "$latest_config"
  prepare_contract "$org" audit
}

# host commit <MSP id> [audit|floor]: the contract's definition, once a majority approved it.
host_commit() {
  local org="${1:?usage: network.sh host commit <MSP id> [audit|floor]}" contract="${2:-audit}"
  require_local "$org"
  commit_chaincode "$contract" "$org"
  say "the $contract contract's definition is committed on $CHANNEL"
}

# host floor <MSP id>: the organisation's service of the benchmark's floor contract, installed
# and approved; `host commit <MSP id> floor` then commits it.
host_floor() {
  local org="${1:?usage: network.sh host floor <MSP id>}"
  require_local "$org"
  [[ -f "$REPO_DIR/scripts/dist/floor-chaincode.js" ]] || fail "scripts/dist is missing: run 'npm run build' first"
  prepare_contract "$org" floor
  say "$org approved the floor contract"
}

# host propose <MSP id> add|remove <member> <envelope file>: the channel update that adds a
# member (its imported definition) or removes one, signed by this organisation's admin.
host_propose() {
  local usage="usage: network.sh host propose <MSP id> add|remove <member MSP id> <envelope file>"
  local org="${1:?$usage}" change="${2:?$usage}" member="${3:?$usage}" envelope="${4:?$usage}"
  require_local "$org"
  [[ "$member" != "$org" ]] || fail "$org cannot propose its own membership change"
  propose_membership "$org" "$change" "$member" "$envelope"
  say "$org proposed to $change $member and signed $envelope; a majority of the admins must sign it"
}

# host sign|submit <MSP id> <envelope file>: another admin's signature on a proposed update, or
# that signature and the update sent to the orderers.
host_envelope() {
  local action="$1" usage="usage: network.sh host $1 <MSP id> <envelope file>"
  local org="${2:?$usage}" envelope="${3:?$usage}"
  require_local "$org"
  [[ -f "$envelope" ]] || fail "no envelope $envelope"
  if [[ "$action" == sign ]]; then
    sign_config_update "$org" "$envelope"
    say "$org signed $envelope"
  else
    submit_config_update "$org" "$envelope"
    say "the channel's configuration carries the update of $envelope"
  fi
}

# host refresh <MSP id>: after the channel's membership changed, what this host derives from it:
# members the channel no longer holds are marked removed, and the connection and trust files
# are written again (the trust file keeps every earlier membership's policy for older blocks).
host_refresh() {
  local org="${1:?usage: network.sh host refresh <MSP id>}" current id index rest
  require_local "$org"
  current=" $(channel_membership "$org" | tail -n 1 | cut -d' ' -f2-) "
  if [[ -f "$MEMBERS_FILE" ]]; then
    while read -r id index rest; do
      if [[ "$current" == *" $id "* || "$rest" == removed ]]; then echo "$id $index${rest:+ $rest}"; else echo "$id $index removed"; fi
    done <"$MEMBERS_FILE" >"$MEMBERS_FILE.new"
    mv "$MEMBERS_FILE.new" "$MEMBERS_FILE"
  fi
  for id in $current; do
    [[ -n "${ORG_INDEX[$id]:-}" && -f "$(org_root_cert "$id")" ]] ||
      fail "$id is on the channel and its definition is not here: import it first"
  done
  local held=()
  for id in "${PEER_ORGS[@]}"; do [[ "$current" != *" $id "* ]] || held+=("$id"); done
  PEER_ORGS=("${held[@]}")
  write_connection_file "$org"
  write_trust_file "$org"
  say "$org's connection file $STATE_DIR/connection.$org.json and the trust file $STATE_DIR/trust.json follow the channel: ${held[*]}"
}

# host finish <MSP id>: once the definition is committed, the organisation's witness, its
# connection file (its own keys only) and the trust file a regulator verifies against.
host_finish() {
  local org="${1:?usage: network.sh host finish <MSP id>}"
  require_local "$org"
  wait_for_committed "$org" audit
  wait_until "$(peer_name "$org")" 90 "gossip with every organisation's peer" peer_knows_all "$org"
  if ! is_member "$org"; then
    write_witness_config "$org"
    "$NETWORK_DIR/nodes/witness.sh" "$org"
  fi
  write_connection_file "$org"
  write_trust_file "$org"
  touch "$READY_MARKER"
  say "$org is up: connection file $STATE_DIR/connection.$org.json, trust file $STATE_DIR/trust.json"
}

cmd_host() {
  local sub="${1:-}"
  shift || true
  case "$sub" in
    init) host_init "$@" ;;
    export) host_export "$@" ;;
    import) import_public "${1:?usage: network.sh host import <dir>}"; say "imported $1" ;;
    found) host_found "$@" ;;
    join) host_join "$@" ;;
    commit) host_commit "$@" ;;
    finish) host_finish "$@" ;;
    floor) host_floor "$@" ;;
    propose) host_propose "$@" ;;
    sign | submit) host_envelope "$sub" "$@" ;;
    refresh) host_refresh "$@" ;;
    *) fail "usage: network.sh host init|export|import|found|join|commit|finish|floor|propose|sign|submit|refresh ..." ;;
  esac
}
