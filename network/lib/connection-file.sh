# shellcheck shell=bash
# Writes what a gateway needs to reach the network: one connection.<MSP id>.json per
# organisation holding only that organisation's keys, and, where every organisation's keys are on
# this host, network/.state/connection.json with all of them. Sourced. Paths, never key
# material: keys stay in their 0600 files under network/.state.

# write_connection_file [MSP id]: every organisation's files, or only the one's on its own host.
write_connection_file() {
  local only="${1:-}" args=() org n
  for org in "${PEER_ORGS[@]}"; do
    args+=("$org" "$(peer_name "$org")" "$(org_address "$org" "$(peer_port "$org")")"
      "$(org_address "$org" "$(peer_operations_port "$org")")"
      "$(ca_name "$org")" "$(org_address "$org" "$(ca_port "$org")")" "$(org_root_cert "$org")" "$(org_dir "$org")/identities"
      "http://$(org_address "$org" "$(witness_port "$org")")/" "$(witness_dir "$org")/witness.vkey" "$(pseudonym_key_file "$org")")
  done
  local orderers=()
  for n in $(orderer_numbers); do orderers+=("$(orderer_name "$n"):$(org_address "$ORDERER_ORG" "$(orderer_port "$n")")"); done
  ONLY="$only" CHANNEL="$CHANNEL" CHAINCODE_NAME="$CHAINCODE_NAME" CONSENSUS="$(consensus)" \
    ORDERERS="${orderers[*]}" ORDERER_ROOT="$(org_root_cert "$ORDERER_ORG")" CHECKPOINTS="$(checkpoint_dir)" \
    node -e '
      const fs = require("fs");
      const path = require("path");
      const env = process.env;
      const fields = process.argv.slice(2);
      const organizations = {};
      const witnesses = [];
      const certAndKey = (dir) => ({
        certPath: path.join(dir, "msp/signcerts/cert.pem"),
        keyPath: path.join(dir, "msp/keystore", fs.readdirSync(path.join(dir, "msp/keystore"))[0]),
      });
      for (let i = 0; i < fields.length; i += 11) {
        const [mspId, peerName, endpoint, operations, caName, caEndpoint, rootCert, identities, witnessUrl, witnessKey, pseudonymKey] =
          fields.slice(i, i + 11);
        // A member that joined after the founding runs no witness.
        if (fs.existsSync(witnessKey)) {
          witnesses.push({ mspId, url: witnessUrl, verifierKey: fs.readFileSync(witnessKey, "utf8").trim() });
        }
        const definition = {
          mspId,
          tlsRootCertPath: rootCert,
          peer: { name: peerName, endpoint, operationsUrl: `https://${operations}` },
          ca: { name: caName, url: `https://${caEndpoint}` },
        };
        // Another organisation on its own host: its public definition, none of its identities.
        if (!fs.existsSync(identities)) {
          organizations[mspId] = { ...definition, identities: {} };
          continue;
        }
        const clients = {};
        for (const name of fs.readdirSync(identities).sort()) {
          const dir = path.join(identities, name);
          const roleFile = path.join(dir, "role");
          if (!fs.existsSync(roleFile)) continue;
          clients[name] = { role: fs.readFileSync(roleFile, "utf8").trim(), ...certAndKey(dir) };
        }
        const tlsClient = path.join(identities, "gateway/tls");
        organizations[mspId] = {
          ...definition,
          tlsClient: { certPath: path.join(tlsClient, "cert.pem"), keyPath: path.join(tlsClient, "key.pem") },
          registrar: { home: path.join(identities, "ca-admin") },
          ...(fs.existsSync(pseudonymKey) ? { pseudonymKeyPath: pseudonymKey } : {}),
          identities: clients,
        };
      }
      const orderers = env.ORDERERS.split(" ").map((entry) => {
        const [name, ...endpoint] = entry.split(":");
        return { name, endpoint: endpoint.join(":") };
      });
      const connection = {
        channel: env.CHANNEL,
        chaincode: env.CHAINCODE_NAME,
        consensus: env.CONSENSUS,
        orderers: { tlsRootCertPath: env.ORDERER_ROOT, nodes: orderers },
        organizations,
        // The log signs checkpoints (any gateway of the channel may); the witnesses vouch for them.
        checkpoints: {
          origin: fs.readFileSync(path.join(env.CHECKPOINTS, "origin"), "utf8").trim(),
          logKeyPath: path.join(env.CHECKPOINTS, "log.key"),
          witnesses,
        },
      };
      const write = (file, value) => fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
      if (env.ONLY === "") write(process.argv[1], connection);
      // One file per organisation, holding only the keys of that organisation: what its gateway gets.
      for (const mspId of Object.keys(organizations).filter((id) => env.ONLY === "" || id === env.ONLY)) {
        const own = Object.fromEntries(
          Object.entries(organizations).map(([name, org]) => {
            if (name === mspId) return [name, org];
            const { tlsClient: _theirs, registrar: _theirRegistrar, pseudonymKeyPath: _theirCopy, ...withoutKeys } = org;
            return [name, { ...withoutKeys, identities: {} }];
          }),
        );
        write(process.argv[1].replace(/\.json$/, `.${mspId}.json`), { ...connection, organizations: own });
      }
    ' "$STATE_DIR/connection.json" "${args[@]}"
}
