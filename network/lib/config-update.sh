# shellcheck shell=bash
# Channel configuration updates, signed by the organisation admin the channel's policy requires.
# Sourced. An organisation's MSP value is modifiable by that organisation's Admins alone.

update_org_crl() {
  local org="$1" crl="$2" work
  work="$(mktemp -d "$STATE_DIR/config-update.XXXXXX")"
  local previous_config
  previous_config="$(last_config_block "$org" "$work")"
  [[ -n "$previous_config" ]] || fail "could not fetch the $CHANNEL configuration from the orderers"
  configtxlator proto_decode --type common.Block --input "$work/latest-config.pb" --output "$work/config_block.json"
  node -e '
    const fs = require("fs");
    const [blockFile, crlFile, org, originalOut, modifiedOut] = process.argv.slice(1);
    const config = JSON.parse(fs.readFileSync(blockFile, "utf8")).data.data[0].payload.data.config;
    fs.writeFileSync(originalOut, JSON.stringify(config));
    const msp = config.channel_group.groups.Application.groups[org].values.MSP.value.config;
    msp.revocation_list = [fs.readFileSync(crlFile).toString("base64")];
    fs.writeFileSync(modifiedOut, JSON.stringify(config));
  ' "$work/config_block.json" "$crl" "$org" "$work/original.json" "$work/modified.json"
  configtxlator proto_encode --type common.Config --input "$work/original.json" --output "$work/original.pb"
  configtxlator proto_encode --type common.Config --input "$work/modified.json" --output "$work/modified.pb"
  configtxlator compute_update --channel_id "$CHANNEL" --original "$work/original.pb" \
    --updated "$work/modified.pb" --output "$work/update.pb"
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
  # `peer channel update` signs the envelope as the CLI's identity: the organisation's admin.
  as_admin_via_orderer "$org" channel update -f "$work/envelope.pb" -c "$CHANNEL" \
    >>"$LOG_DIR/peer-cli.log" 2>&1 || fail "the configuration update was refused: $(tail -n 3 "$LOG_DIR/peer-cli.log")"
  # The orderers cut the update into a block of its own; every running peer must commit it.
  local config_block peer_org
  wait_until "$(orderer_name "$(first_reachable_orderer)")" 30 "the configuration update in a block" \
    config_block_after "$org" "$work" "$previous_config"
  config_block="$(last_config_block "$org" "$work")"
  rm -rf "$work"
  for peer_org in "${PEER_ORGS[@]}"; do
    is_running "$(peer_name "$peer_org")" || continue
    wait_until "$(peer_name "$peer_org")" 30 "block $config_block" height_above "$peer_org" "$config_block"
  done
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

configtxlator() { "$FABRIC_BIN/configtxlator" "$@"; }
