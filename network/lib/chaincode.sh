# shellcheck shell=bash
# The audit contract's lifecycle: each organisation packages a pointer to its own chaincode
# service, installs it on its own peer and approves the one definition; then it is committed.

# A chaincode-as-a-service package holds only where the service listens and how to reach it
# over mutual TLS: the peer presents its own TLS certificate to its organisation's service.
package_chaincode() {
  local org="$1" dir peer service work
  dir="$(org_dir "$org")/chaincode"
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
  ' "127.0.0.1:$(chaincode_service_port "$org")" "$peer/tls/key.pem" "$peer/tls/cert.pem" \
    "$service/tls/ca.pem" "$work/connection.json"
  printf '{"type":"ccaas","label":"%s_%s"}\n' "$CHAINCODE_NAME" "$CHAINCODE_VERSION" >"$work/metadata.json"
  tar -C "$work" -czf "$work/code.tar.gz" connection.json
  tar -C "$work" -czf "$dir/$CHAINCODE_NAME.tar.gz" metadata.json code.tar.gz
  rm -rf "$work"
  as_admin "$org" lifecycle chaincode calculatepackageid "$dir/$CHAINCODE_NAME.tar.gz" >"$dir/package-id"
}

install_and_approve() {
  local org="$1" dir
  dir="$(org_dir "$org")/chaincode"
  as_admin "$org" lifecycle chaincode install "$dir/$CHAINCODE_NAME.tar.gz" >>"$LOG_DIR/peer-cli.log" 2>&1 ||
    fail "installing the chaincode on $(peer_name "$org") failed: $(tail -n 3 "$LOG_DIR/peer-cli.log")"
  as_admin_via_orderer "$org" lifecycle chaincode approveformyorg -C "$CHANNEL" -n "$CHAINCODE_NAME" \
    -v "$CHAINCODE_VERSION" --sequence "$CHAINCODE_SEQUENCE" --package-id "$(cat "$dir/package-id")" \
    >>"$LOG_DIR/peer-cli.log" 2>&1 ||
    fail "$org could not approve the chaincode: $(tail -n 3 "$LOG_DIR/peer-cli.log")"
}

# The definition names no policy of its own, so the channel's MAJORITY Endorsement applies.
commit_chaincode() {
  local org peers=()
  for org in "${PEER_ORGS[@]}"; do
    peers+=(--peerAddresses "127.0.0.1:$(peer_port "$org")" --tlsRootCertFiles "$(org_root_cert "$org")")
  done
  as_admin_via_orderer "${PEER_ORGS[0]}" lifecycle chaincode commit -C "$CHANNEL" -n "$CHAINCODE_NAME" \
    -v "$CHAINCODE_VERSION" --sequence "$CHAINCODE_SEQUENCE" "${peers[@]}" \
    >>"$LOG_DIR/peer-cli.log" 2>&1 || fail "committing the chaincode definition failed: $(tail -n 3 "$LOG_DIR/peer-cli.log")"
}

chaincode_committed_on() {
  as_admin "$1" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE_NAME" 2>/dev/null |
    grep -q "Sequence: $CHAINCODE_SEQUENCE"
}
