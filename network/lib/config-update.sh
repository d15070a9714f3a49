# shellcheck shell=bash
# Channel configuration updates and the channel's membership over time. Sourced. An
# organisation's MSP value is modifiable by that organisation's Admins alone; adding or removing
# an organisation needs the signatures of a majority of the organisations' admins.

# config_update_envelope <MSP id> <work dir> <edit script> [args...]: fetches the channel's
# latest configuration as the organisation's admin, lets a Node script edit it (argv: the config
# JSON file, then args; it rewrites the file), and writes the update's unsigned envelope to
# <work dir>/envelope.pb. Prints the number of the configuration block it started from.
config_update_envelope() {
  local org="$1" work="$2" edit="$3" previous_config
  shift 3
  previous_config="$(last_config_block "$org" "$work")"
  [[ -n "$previous_config" ]] || fail "could not fetch the $CHANNEL configuration from the orderers"
  configtxlator proto_decode --type common.Block --input "$work/latest-config.pb" --output "$work/config_block.json"
  node -e '
    const fs = require("fs");
    const [blockFile, out] = process.argv.slice(1);
    fs.writeFileSync(out, JSON.stringify(JSON.parse(fs.readFileSync(blockFile, "utf8")).data.data[0].payload.data.config));
  ' "$work/config_block.json" "$work/original.json"
  cp "$work/original.json" "$work/modified.json"
  node -e "$edit" "$work/modified.json" "$@" || fail "the configuration edit failed"
  configtxlator proto_encode --type common.Config --input "$work/original.json" --output "$work/original.pb"
  configtxlator proto_encode --type common.Config --input "$work/modified.json" --output "$work/modified.pb"
  configtxlator compute_update --channel_id "$CHANNEL" --original "$work/original.pb" \
    --updated "$work/modified.pb" --output "$work/update.pb" 2>>"$LOG_DIR/configtxlator.log" ||
    fail "the edit changes nothing in the $CHANNEL configuration"
  configtxlator proto_decode --type common.ConfigUpdate --input "$work/update.pb" --output "$work/update.json"
  node -e '
    const fs = require("fs");
    const [updateFile, channel, out] = process.argv.slice(1);
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: channel, type: 2 } },
        data: { config_update: JSON.parse(fs.readFileSync(updateFile, "utf8")) },
      },
    };
    fs.writeFileSync(out, JSON.stringify(envelope));
  ' "$work/update.json" "$CHANNEL" "$work/envelope.json"
  configtxlator proto_encode --type common.Envelope --input "$work/envelope.json" --output "$work/envelope.pb"
  echo "$previous_config"
}

# submit_config_update <MSP id> <envelope.pb>: the organisation's admin adds its signature and
# sends the update; returns once the orderers cut it into a block and every peer running here
# committed that block.
submit_config_update() {
  local org="$1" envelope="$2" work previous_config config_block peer_org
  work="$(mktemp -d "$STATE_DIR/config-update.XXXXXX")"
  previous_config="$(last_config_block "$org" "$work")"
  [[ -n "$previous_config" ]] || fail "could not fetch the $CHANNEL configuration from the orderers"
  as_admin_via_orderer "$org" channel update -f "$envelope" -c "$CHANNEL" \
    >>"$LOG_DIR/peer-cli.log" 2>&1 || fail "the configuration update was refused: $(tail -n 3 "$LOG_DIR/peer-cli.log")"
  wait_until "$(orderer_name "$(first_reachable_orderer)")" 30 "the configuration update in a block" \
    config_block_after "$org" "$work" "$previous_config"
  config_block="$(last_config_block "$org" "$work")"
  rm -rf "$work"
  for peer_org in "${PEER_ORGS[@]}"; do
    is_running "$(peer_name "$peer_org")" || continue
    wait_until "$(peer_name "$peer_org")" 30 "block $config_block" height_above "$peer_org" "$config_block"
  done
}

update_org_crl() {
  local org="$1" crl="$2" work
  work="$(mktemp -d "$STATE_DIR/config-update.XXXXXX")"
  config_update_envelope "$org" "$work" '
    const fs = require("fs");
    const [configFile, org, crlFile] = process.argv.slice(1);
    const config = JSON.parse(fs.readFileSync(configFile, "utf8"));
    const msp = config.channel_group.groups.Application.groups[org].values.MSP.value.config;
    msp.revocation_list = [fs.readFileSync(crlFile).toString("base64")];
    fs.writeFileSync(configFile, JSON.stringify(config));
  ' "$org" "$crl" >/dev/null
  # `peer channel update` signs the envelope as the CLI's identity: the organisation's admin.
  submit_config_update "$org" "$work/envelope.pb"
  rm -rf "$work"
}

# propose_membership <proposer> add|remove <MSP id> <envelope file>: the update that adds a
# member's definition to the channel's application organisations, or removes it, signed by the
# proposer's admin. The other admins sign the same file; one of them submits it.
propose_membership() {
  local proposer="$1" change="$2" member="$3" out="$4" work
  work="$(mktemp -d "$STATE_DIR/config-update.XXXXXX")"
  case "$change" in
    add)
      [[ -f "$(org_root_cert "$member")" ]] || fail "$member's definition is missing: import it first (network.sh host import <dir>)"
      write_member_configtx "$member" "$work"
      FABRIC_CFG_PATH="$work" "$FABRIC_BIN/configtxgen" -printOrg "$member" >"$work/member.json" \
        2>>"$LOG_DIR/configtxgen.log" || fail "configtxgen could not print $member's definition: $(tail -n 3 "$LOG_DIR/configtxgen.log")"
      ;;
    remove)
      # The contract binds its roles to the founding organisations: removing one needs a new contract.
      is_member "$member" || fail "$member holds roles the contract binds to it (chaincode/src/consortium.ts); only an organisation that joined as a member can be removed"
      ;;
    *) fail "propose: add or remove, not $change" ;;
  esac
  config_update_envelope "$proposer" "$work" '
    const fs = require("fs");
    const [configFile, change, member, definitionFile] = process.argv.slice(1);
    const config = JSON.parse(fs.readFileSync(configFile, "utf8"));
    const organizations = config.channel_group.groups.Application.groups;
    if (change === "add") {
      if (organizations[member]) throw new Error(`${member} is already on the channel`);
      organizations[member] = JSON.parse(fs.readFileSync(definitionFile, "utf8"));
    } else {
      if (!organizations[member]) throw new Error(`${member} is not on the channel`);
      delete organizations[member];
    }
    fs.writeFileSync(configFile, JSON.stringify(config));
  ' "$change" "$member" "$work/member.json" >/dev/null
  sign_config_update "$proposer" "$work/envelope.pb"
  cp "$work/envelope.pb" "$out"
  rm -rf "$work"
}

sign_config_update() {
  as_admin "$1" channel signconfigtx -f "$2" >>"$LOG_DIR/peer-cli.log" 2>&1 ||
    fail "$1 could not sign $2: $(tail -n 3 "$LOG_DIR/peer-cli.log")"
}

# Fetches the channel's latest configuration block into <work>/latest-config.pb; prints its number.
last_config_block() {
  PEER_CLI_LOGGING=INFO as_admin_via_orderer "$1" channel fetch config "$2/latest-config.pb" -c "$CHANNEL" 2>&1 |
    sed -n 's/.*Retrieving last config block: *\([0-9]*\).*/\1/p'
}

config_block_after() {
  local number
  number="$(last_config_block "$1" "$2")"
  [[ -n "$number" ]] && ((number > $3))
}

height_above() {
  local height
  height="$(peer_height "$1")"
  [[ -n "$height" ]] && ((height > $2))
}

# Reads a block file with Fabric's protobuf definitions: `organizations` prints the application
# organisations of a configuration block, `last-config` the number of the configuration block in
# force when the block was cut.
read_block() {
  node -e '
    const { readFileSync } = require("fs");
    const [gateway, what, file] = process.argv.slice(1);
    const { common } = require(require.resolve("@hyperledger/fabric-protos", { paths: [gateway] }));
    const block = common.Block.deserializeBinary(readFileSync(file));
    if (what === "organizations") {
      const envelope = common.Envelope.deserializeBinary(block.getData().getDataList_asU8()[0]);
      const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
      const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
      const application = config.getChannelGroup().getGroupsMap().get("Application");
      console.log(application.getGroupsMap().getEntryList().map(([mspId]) => mspId).sort().join(" "));
    } else {
      const signatures = block.getMetadata().getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES];
      const value = common.Metadata.deserializeBinary(signatures).getValue_asU8();
      console.log(common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig().getIndex());
    }
  ' "$REPO_DIR/gateway" "$@"
}

# channel_membership <MSP id>: the channel's application organisations over time, from its
# configuration blocks, oldest first: one line "<first block> <MSP id>..." from the first block
# validated under that membership. Walks back from the latest configuration block through each
# block's record of the configuration in force, so every host derives the same history.
channel_membership() {
  local org="$1" work number lines=() previous=""
  work="$(mktemp -d "$STATE_DIR/membership.XXXXXX")"
  number="$(last_config_block "$org" "$work")"
  [[ -n "$number" ]] || fail "could not fetch the $CHANNEL configuration from the orderers"
  mv "$work/latest-config.pb" "$work/config.pb"
  while :; do
    lines=("$((number + 1)) $(read_block organizations "$work/config.pb")" "${lines[@]}")
    ((number > 0)) || break
    fetch_block "$org" $((number - 1)) "$work/before.pb"
    number="$(read_block last-config "$work/before.pb")"
    fetch_block "$org" "$number" "$work/config.pb"
  done
  rm -rf "$work"
  # Updates that changed something else (a CRL, a policy) leave the membership as it was.
  local line
  for line in "${lines[@]}"; do
    [[ "${line#* }" == "$previous" ]] && continue
    echo "$line"
    previous="${line#* }"
  done
}

fetch_block() {
  as_admin_via_orderer "$1" channel fetch "$2" "$3" -c "$CHANNEL" >>"$LOG_DIR/peer-cli.log" 2>&1 ||
    fail "could not fetch block $2 of $CHANNEL: $(tail -n 3 "$LOG_DIR/peer-cli.log")"
}

configtxlator() { "$FABRIC_BIN/configtxlator" "$@"; }
