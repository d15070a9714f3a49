# shellcheck shell=bash
# Chaincode lifecycles. Each contract (`audit`, and `floor`, the benchmark's trivial one) runs as
# one chaincode service per organisation: each organisation packages a pointer to its own
# service, installs it on its own peer and approves the one definition; then it is committed.

CONTRACTS=(audit floor)

# A chaincode-as-a-service package holds only where the service listens and how to reach it
# over mutual TLS: the peer presents its own TLS certificate to its organisation's service.
package_chaincode() {
  local org="$1" contract="$2" dir peer service work
  dir="$(package_dir "$org" "$contract")"
  peer="$(identity_dir "$org" peer0)"
  service="$(identity_dir "$org" chaincode)"
  work="$dir/package"
  mkdir -p "$work"
  node -e '
    const fs = require("fs");
    const [address, key, cert, root, out] = process.argv.slice(1);
    const pem = (file) => fs.readFileSync(file, "utf8");
    fs.writeFileSync(out, JSON.stringify({
      address, dial_timeout: "10s", tls_required: true, client_auth_required: true,
      client_key: pem(key), client_cert: pem(cert), root_cert: pem(root),
    }), { mode: 0o600 });
  ' "$(org_address "$org" "$(chaincode_service_port "$org" "$contract")")" "$peer/tls/key.pem" "$peer/tls/cert.pem" \
    "$service/tls/ca.pem" "$work/connection.json"
  printf '{"type":"ccaas","label":"%s_%s"}\n' "$contract" "$CHAINCODE_VERSION" >"$work/metadata.json"
  tar -C "$work" -czf "$work/code.tar.gz" connection.json
  tar -C "$work" -czf "$dir/$contract.tar.gz" metadata.json code.tar.gz
  rm -rf "$work"
  as_admin "$org" lifecycle chaincode calculatepackageid "$dir/$contract.tar.gz" >"$dir/package-id"
}

# collections_args <org> <contract>: the audit contract's private data collections, written from
# the contract's own consortium (chaincode/src/consortium.ts) for every approval and the commit
# to name alike. Only the members' peers hold a collection's values and only their clients read
# or write them; both members' peers endorse every write, each keeping its own copy, so nothing
# waits on dissemination; values live until purged (blockToLive 0).
collections_args() {
  local org="$1" contract="$2" file
  [[ "$contract" == audit ]] || return 0
  file="$(package_dir "$org" "$contract")/collections.json"
  node -e '
    const { standardConsortium: c } = require(process.argv[1]);
    const any = (members, role) => members.map((m) => `'"'"'${m}.${role}'"'"'`).join(", ");
    console.log(JSON.stringify(c.collections.map(({ name, members }) => ({
      name,
      policy: `OR(${any(members, "member")})`,
      requiredPeerCount: 0,
      maxPeerCount: members.length - 1,
      blockToLive: 0,
      memberOnlyRead: true,
      memberOnlyWrite: true,
      endorsementPolicy: { signaturePolicy: `AND(${any(members, "peer")})` },
    })), null, 2));
  ' "$REPO_DIR/chaincode/dist/consortium.js" >"$file"
  printf '%s\n' --collections-config "$file"
}

install_and_approve() {
  local org="$1" contract="$2" dir collections
  dir="$(package_dir "$org" "$contract")"
  mapfile -t collections < <(collections_args "$org" "$contract")
  as_admin "$org" lifecycle chaincode install "$dir/$contract.tar.gz" >>"$LOG_DIR/peer-cli.log" 2>&1 ||
    fail "installing $contract on $(peer_name "$org") failed: $(tail -n 3 "$LOG_DIR/peer-cli.log")"
  as_admin_via_orderer "$org" lifecycle chaincode approveformyorg -C "$CHANNEL" -n "$contract" \
    -v "$CHAINCODE_VERSION" --sequence "$CHAINCODE_SEQUENCE" --package-id "$(cat "$dir/package-id")" \
    "${collections[@]}" >>"$LOG_DIR/peer-cli.log" 2>&1 ||
    fail "$org could not approve $contract: $(tail -n 3 "$LOG_DIR/peer-cli.log")"
}

# Whether a majority of the organisations approved the definition, as an organisation's peer sees.
majority_approved() {
  local org="$1" contract="$2" approvals collections
  mapfile -t collections < <(collections_args "$org" "$contract")
  approvals="$(as_admin "$org" lifecycle chaincode checkcommitreadiness -C "$CHANNEL" -n "$contract" \
    -v "$CHAINCODE_VERSION" --sequence "$CHAINCODE_SEQUENCE" "${collections[@]}" --output json 2>/dev/null |
    grep -c ': true')"
  ((approvals * 2 > ${#PEER_ORGS[@]}))
}

# commit_chaincode <contract> [MSP id]: one organisation's admin commits the definition once a
# majority approved it. The definition names no policy of its own, so the channel's MAJORITY
# Endorsement applies.
commit_chaincode() {
  local contract="$1" committer="${2:-${PEER_ORGS[0]}}" org peers=() collections
  wait_until "$(peer_name "$committer")" 60 "a majority's approvals of $contract" majority_approved "$committer" "$contract"
  for org in "${PEER_ORGS[@]}"; do
    peers+=(--peerAddresses "$(org_address "$org" "$(peer_port "$org")")" --tlsRootCertFiles "$(org_root_cert "$org")")
  done
  mapfile -t collections < <(collections_args "$committer" "$contract")
  as_admin_via_orderer "$committer" lifecycle chaincode commit -C "$CHANNEL" -n "$contract" \
    -v "$CHAINCODE_VERSION" --sequence "$CHAINCODE_SEQUENCE" "${peers[@]}" "${collections[@]}" \
    >>"$LOG_DIR/peer-cli.log" 2>&1 || fail "committing the $contract definition failed: $(tail -n 3 "$LOG_DIR/peer-cli.log")"
}

chaincode_committed_on() {
  as_admin "$1" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$2" 2>/dev/null |
    grep -q "Sequence: $CHAINCODE_SEQUENCE"
}

# An organisation's part of deploying a contract: its own service, started, and the package
# that points to it installed on its peer, and the definition approved.
prepare_contract() {
  local org="$1" contract="$2"
  package_chaincode "$org" "$contract"
  "$NETWORK_DIR/nodes/chaincode.sh" "$org" "$contract"
  install_and_approve "$org" "$contract"
}

wait_for_committed() {
  wait_until "$(peer_name "$1")" 60 "the committed $2 definition" chaincode_committed_on "$1" "$2"
}

# Packages, starts, installs, approves and commits a contract on every organisation's peer.
deploy_contract() {
  local contract="$1" org
  for org in "${PEER_ORGS[@]}"; do prepare_contract "$org" "$contract" & done
  wait_all "approving $contract"
  commit_chaincode "$contract"
  for org in "${PEER_ORGS[@]}"; do wait_for_committed "$org" "$contract"; done
}

# contract_deployed <contract> [MSP id]: whether a contract's services are part of this
# network: the audit contract always is, the floor once `network.sh floor` deployed it.
contract_deployed() {
  [[ "$1" == audit || -f "$(package_dir "${2:-${PEER_ORGS[0]}}" "$1")/package-id" ]]
}
