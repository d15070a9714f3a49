# shellcheck shell=bash
# Registering and enrolling identities with an organisation's own Fabric CA. Sourced.
# Every identity of an organisation, node or client, lives in identities/<name>/ with
#   msp/  its enrollment (signcerts/cert.pem, keystore/, cacerts/ca.pem, config.yaml)
#   tls/  cert.pem, key.pem, ca.pem from the CA's `tls` profile (server and client auth)
#   role  the audit.role it was registered with, for client identities

# ca_client <org> <home> <command> [flags]: Fabric CA's client against the organisation's CA.
# Secrets never go among the flags, which every local user sees in `ps`: the caller sets them
# in the client's environment, which it reads like its flags (FABRIC_CA_CLIENT_URL for
# enroll's user:secret@ URL, FABRIC_CA_CLIENT_ID_SECRET for register's --id.secret).
ca_client() {
  local org="$1" home="$2"
  shift 2
  mkdir -p "$home"
  # The client's chatter goes to the network's private log folder.
  FABRIC_CA_CLIENT_HOME="$home" "$FABRIC_BIN/fabric-ca-client" "$@" \
    --caname "$(ca_name "$org")" \
    --tls.certfiles "$STATE_DIR/fabric-ca/$(lower "$org")/ca-cert.pem" \
    >>"$LOG_DIR/fabric-ca-client.$(lower "$org").log" 2>&1 ||
    fail "fabric-ca-client ${1} for $org failed; see $LOG_DIR/fabric-ca-client.$(lower "$org").log:
$(tail -n 5 "$LOG_DIR/fabric-ca-client.$(lower "$org").log")"
}

# The CA's URL with an identity's enrollment credentials: for FABRIC_CA_CLIENT_URL only.
ca_url() {
  local org="$1" user="$2" secret="$3"
  echo "https://$user:$secret@$(org_address "$org" "$(ca_port "$org")")"
}

# NodeOUs tell peers and orderers which certificates are clients, peers, admins and orderers.
write_node_ous() {
  local ou
  {
    echo "NodeOUs:"
    echo "  Enable: true"
    for ou in client peer admin orderer; do
      echo "  ${ou^}OUIdentifier:"
      echo "    Certificate: cacerts/ca.pem"
      echo "    OrganizationalUnitIdentifier: $ou"
    done
  } >"$1/config.yaml"
}

# The organisation's MSP as the channel sees it: its CA as the root of identities and of TLS.
write_org_msp() {
  local org="$1" msp
  msp="$(org_dir "$org")/msp"
  mkdir -p "$msp/cacerts" "$msp/tlscacerts"
  cp "$STATE_DIR/fabric-ca/$(lower "$org")/ca-cert.pem" "$msp/cacerts/ca.pem"
  cp "$msp/cacerts/ca.pem" "$msp/tlscacerts/ca.pem"
  write_node_ous "$msp"
}

enroll_ca_admin() {
  local org="$1" dir secret
  dir="$(identity_dir "$org" ca-admin)"
  [[ -f "$dir/msp/signcerts/cert.pem" ]] && return 0
  secret="$(cat "$STATE_DIR/fabric-ca/$(lower "$org")/bootstrap.secret")"
  FABRIC_CA_CLIENT_URL="$(ca_url "$org" ca-admin "$secret")" \
    ca_client "$org" "$dir" enroll -M "$dir/msp"
}

# Gives an enrolled folder fixed names: cacerts/ca.pem, and tls/{cert,key,ca}.pem.
normalise_enrollment() {
  local dir="$1"
  mv "$dir/msp/cacerts/"*.pem "$dir/msp/cacerts/ca.pem.tmp" && mv "$dir/msp/cacerts/ca.pem.tmp" "$dir/msp/cacerts/ca.pem"
  write_node_ous "$dir/msp"
  cp "$dir/tls-enrollment/signcerts/cert.pem" "$dir/tls/cert.pem"
  cp "$(keystore_key "$dir/tls-enrollment")" "$dir/tls/key.pem"
  cp "$dir/tls-enrollment/tlscacerts/"*.pem "$dir/tls/ca.pem"
  rm -rf "$dir/tls-enrollment"
  chmod 600 "$dir/tls/key.pem" "$dir/msp/keystore/"*
}

# register_identity <org> <name> <type> [role]: registers with the CA admin, then enrolls an
# identity certificate and a TLS certificate. A role becomes audit.role in the certificate.
# The secret is good for exactly those two enrollments: the CA client's log still shows it,
# but once they are done it enrolls nothing more.
register_identity() {
  local org="$1" name="$2" type="$3" role="${4:-}" dir secret
  dir="$(identity_dir "$org" "$name")"
  [[ ! -e "$dir" ]] || fail "$org already has an identity named $name"
  secret="$(openssl rand -hex 16)"
  local attrs=()
  [[ -z "$role" ]] || attrs=(--id.attrs "audit.role=$role:ecert")
  FABRIC_CA_CLIENT_ID_SECRET="$secret" ca_client "$org" "$(identity_dir "$org" ca-admin)" register \
    --id.name "$name" --id.type "$type" --id.maxenrollments 2 "${attrs[@]}" \
    -u "https://$(org_address "$org" "$(ca_port "$org")")"
  mkdir -p "$dir/tls"
  local url
  url="$(ca_url "$org" "$name" "$secret")"
  FABRIC_CA_CLIENT_URL="$url" ca_client "$org" "$dir/.client" enroll \
    --csr.cn "$name" --csr.names "O=$org" -M "$dir/msp"
  FABRIC_CA_CLIENT_URL="$url" ca_client "$org" "$dir/.client" enroll \
    --enrollment.profile tls --csr.cn "$name" --csr.names "O=$org" --csr.hosts "$(tls_hosts "$org")" \
    -M "$dir/tls-enrollment"
  rm -rf "$dir/.client"
  normalise_enrollment "$dir"
  [[ -z "$role" ]] || echo "$role" >"$dir/role"
}

# revoke_identity <org> <name>: the CA revokes every certificate of the identity and issues a new
# CRL; the organisation's admin then puts that CRL into the channel configuration, after which
# every peer refuses the identity's proposals.
revoke_identity() {
  local org="$1" name="$2" dir admin
  dir="$(identity_dir "$org" "$name")"
  [[ -f "$dir/role" ]] || fail "$org has no client identity named $name"
  admin="$(identity_dir "$org" ca-admin)"
  ca_client "$org" "$admin" revoke -e "$name" -r cessationofoperation --gencrl \
    -u "https://$(org_address "$org" "$(ca_port "$org")")"
  mv "$dir/role" "$dir/revoked-role"
  update_org_crl "$org" "$admin/msp/crls/crl.pem"
}

# The orderers' certificates, beside the organisation's MSP: what founding the channel needs of
# them, without their keys.
publish_orderer_certificates() {
  local n dir
  for n in $(orderer_numbers); do
    dir="$(orderer_public_dir "$n")"
    mkdir -p "$dir"
    cp "$(identity_dir "$ORDERER_ORG" "$(orderer_name "$n")")/msp/signcerts/cert.pem" "$dir/cert.pem"
    cp "$(identity_dir "$ORDERER_ORG" "$(orderer_name "$n")")/tls/cert.pem" "$dir/tls.pem"
  done
}
