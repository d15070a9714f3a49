# shellcheck shell=bash
# Checkpoints over the channel's blocks: the log's key and origin, one witness per organisation
# with its own key and its own view of the chain, and the trust file a regulator verifies
# against. Sourced. Keys are C2SP note keys made by the verifier package's code (verifier/dist).

checkpoint_dir() { echo "$STATE_DIR/checkpoints"; }
witness_dir() { echo "$(org_dir "$1")/witness"; }

# note_key <name> <signer file> <verifier file>: a new Ed25519 note key; the signer stays 0600.
note_key() {
  node -e '
    const fs = require("fs");
    const { generateNoteKey } = require(process.argv[1]);
    const { signerKey, verifierKey } = generateNoteKey(process.argv[2]);
    fs.writeFileSync(process.argv[3], signerKey + "\n", { mode: 0o600 });
    fs.writeFileSync(process.argv[4], verifierKey + "\n");
  ' "$REPO_DIR/verifier/dist/transparency/signed-note.js" "$@"
}

# The checkpoint log's origin and signing key, made once by whoever founds the channel. Its
# verifier key is public; the signing key goes to every organisation's gateway (any of them
# may sign the log's checkpoints: the witnesses' cosignatures are what a checkpoint's trust
# rests on).
create_checkpoint_log() {
  local dir origin
  dir="$(checkpoint_dir)"
  mkdir -p "$dir"
  origin="audit-ledger.local/fabric/$CHANNEL/$(openssl rand -hex 8)"
  echo "$origin" >"$dir/origin"
  note_key "$origin" "$dir/log.key" "$dir/log.vkey"
}

# An organisation's witness key, made on its own host; its verifier key is part of the
# organisation's public definition.
create_witness_key() {
  local wdir
  wdir="$(witness_dir "$1")"
  mkdir -p "$wdir/state"
  note_key "$(witness_name "$1")" "$wdir/witness.key" "$wdir/witness.vkey"
}

# The witness's configuration, once the channel's checkpoint log is known.
write_witness_config() {
  local org="$1" wdir identity dir
  wdir="$(witness_dir "$org")"
  identity="$(identity_dir "$org" witness)"
  dir="$(checkpoint_dir)"
  cat >"$wdir/witness.json" <<JSON
{
  "keyFile": "$wdir/witness.key",
  "stateDir": "$wdir/state",
  "host": "$(org_host "$org")",
  "port": $(witness_port "$org"),
  "log": { "origin": "$(cat "$dir/origin")", "verifierKey": "$(cat "$dir/log.vkey")" },
  "fabric": {
    "mspId": "$org",
    "channel": "$CHANNEL",
    "peer": { "name": "$(peer_name "$org")", "endpoint": "$(org_address "$org" "$(peer_port "$org")")" },
    "tlsRootCertPath": "$(org_root_cert "$org")",
    "tlsClient": { "certPath": "$identity/tls/cert.pem", "keyPath": "$identity/tls/key.pem" },
    "identity": { "certPath": "$identity/msp/signcerts/cert.pem", "keyPath": "$(keystore_key "$identity/msp")" }
  }
}
JSON
}

# What a regulator verifies against, written to $STATE_DIR/trust.json: the root certificates of
# every organisation that ever held the channel and of the orderers, a BFT channel's consenters,
# the endorsement policy in force at each block (a majority of the organisations the channel held
# then, from its configuration blocks), and the log's and witnesses' checkpoint keys. It holds no
# secret.
write_trust_file() {
  local reader="${1:-$(local_peer_orgs | head -n 1)}" org n required=1 membership witnesses=()
  membership="$(channel_membership "$reader")"
  for org in "${PEER_ORGS[@]}"; do
    [[ -f "$(witness_dir "$org")/witness.vkey" ]] && witnesses+=("$(cat "$(witness_dir "$org")/witness.vkey")")
  done
  local consenters=()
  if [[ "$(consensus)" == bft ]]; then
    # A block needs a quorum of a BFT service's n consenters: ceil((n + f + 1) / 2), f = (n - 1) / 3.
    local count f
    count="$(orderer_count)"
    f=$(((count - 1) / 3))
    required=$(((count + f + 2) / 2))
    for n in $(orderer_numbers); do
      consenters+=("$n:$(orderer_public_dir "$n")/cert.pem")
    done
  fi
  local roots=()
  for org in $(cut -d' ' -f2- <<<"$membership" | tr ' ' '\n' | awk '!seen[$0]++'); do
    [[ -f "$(org_root_cert "$org")" ]] || fail "$org held the channel and its definition is not here: import it (network.sh host import <dir>)"
    roots+=("$org=$(org_root_cert "$org")")
  done
  CHANNEL="$CHANNEL" CHAINCODE_NAME="$CHAINCODE_NAME" ORDERER_ORG="$ORDERER_ORG" \
    ORDERER_ROOT="$(org_root_cert "$ORDERER_ORG")" ORDERERS_REQUIRED="$required" \
    CONSENTERS="${consenters[*]}" CHECKPOINTS="$(checkpoint_dir)" MEMBERSHIP="$membership" \
    ROOTS="${roots[*]}" WITNESSES="${witnesses[*]}" \
    node -e '
      const fs = require("fs");
      const env = process.env;
      const read = (file) => fs.readFileSync(file, "utf8");
      const organizations = env.ROOTS.split(" ").map((entry) => {
        const [mspId, ...file] = entry.split("=");
        return { mspId, rootCertificates: [read(file.join("="))] };
      });
      const witnessKeys = env.WITNESSES === "" ? [] : env.WITNESSES.split(" ");
      const consenters = env.CONSENTERS === "" ? undefined : env.CONSENTERS.split(" ").map((entry) => {
        const [id, ...file] = entry.split(":");
        return { id: Number(id), mspId: env.ORDERER_ORG, certificate: read(file.join(":")) };
      });
      // "<first block> <MSP id>...": each membership holds until the next one starts.
      const periods = env.MEMBERSHIP.trim().split("\n").map((line) => {
        const [firstBlock, ...members] = line.split(" ");
        return { firstBlock: Number(firstBlock), organizations: members };
      });
      const current = periods[periods.length - 1];
      const earlier = periods.slice(0, -1).map((period, index) => ({
        organizations: period.organizations,
        untilBlock: periods[index + 1].firstBlock,
      }));
      const trust = {
        format: "audit-ledger-trust/1",
        ledger: "fabric",
        channel: env.CHANNEL,
        chaincode: env.CHAINCODE_NAME,
        organizations,
        orderers: [{ mspId: env.ORDERER_ORG, rootCertificates: [read(env.ORDERER_ROOT)] }],
        ...(consenters === undefined ? {} : { consenters }),
        endorsementPolicy: {
          rule: "MAJORITY",
          organizations: current.organizations,
          ...(earlier.length === 0 ? {} : { earlier }),
        },
        ordererSignaturesRequired: Number(env.ORDERERS_REQUIRED),
        validationReportsRequired: 2,
        checkpoints: {
          origin: read(`${env.CHECKPOINTS}/origin`).trim(),
          logKey: read(`${env.CHECKPOINTS}/log.vkey`).trim(),
          witnessKeys,
          witnessQuorum: Math.floor(witnessKeys.length / 2) + 1,
        },
      };
      fs.writeFileSync(process.argv[1], JSON.stringify(trust, null, 2) + "\n", { mode: 0o644 });
    ' "$STATE_DIR/trust.json"
}
