# shellcheck shell=bash
# The consortium's one pseudonym key: every gateway that turns identity numbers into subject
# references must use the same key, or one person's trail splits by gateway. Sourced.
# Made once at setup and handed to each organisation that holds credit subjects (on one host, a
# copy in each such organisation's folder; across hosts, by the founder over a trusted channel:
# network/lib/host.sh); the first of their gateways
# to start records the key's fingerprint on the ledger, and a gateway with another key refuses
# to start. The sandbox operator's organisation holds no copy.

pseudonym_key_file() { echo "$(org_dir "$1")/pseudonym.key"; }

# The organisations whose roles hold the key, as the contract says (pseudonymKeyHolders).
pseudonym_key_holders() {
  CORE_CHAINCODE_LOGGING_LEVEL=CRITICAL node -e '
    const { grantsRole, pseudonymKeyHolders, standardConsortium, standardKinds } = require(process.argv[1]);
    const roles = pseudonymKeyHolders(standardKinds);
    const holders = standardConsortium.organizations.filter((org) =>
      roles.some((role) => grantsRole(standardConsortium, org.mspId, role)));
    console.log(holders.map((org) => org.mspId).join(" "));
  ' "$REPO_DIR/chaincode/dist/index.js"
}

distribute_pseudonym_key() {
  local key org
  key="$(openssl rand -hex 32)"
  for org in $(pseudonym_key_holders); do
    printf '%s\n' "$key" >"$(pseudonym_key_file "$org")"
    chmod 600 "$(pseudonym_key_file "$org")"
  done
}

is_pseudonym_key_holder() { [[ " $(pseudonym_key_holders) " == *" $1 "* ]]; }
