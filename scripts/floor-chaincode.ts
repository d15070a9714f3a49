import { readFileSync } from 'node:fs';
import { putStates } from '@audit-ledger/chaincode/dist/state-batches';
import { Shim, type ChaincodeInterface, type ChaincodeStub } from 'fabric-shim';

/**
 * The benchmark's floor: a contract that does nothing but store what it is given. `Write` takes
 * one value per argument and writes each under a key of its own in one batched write, so that a
 * benchmark through it measures only what the network itself costs per transaction and per key
 * (endorsement, ordering, validation and commit on every peer), with entries of the same size.
 */
class FloorChaincode implements ChaincodeInterface {
  Init() {
    return Promise.resolve(Shim.success());
  }

  async Invoke(stub: ChaincodeStub) {
    const { fcn } = stub.getFunctionAndParameters();
    if (fcn !== 'Write') {
      return Shim.error(`unknown function ${fcn}: the floor contract has only Write`);
    }
    const values = stub.getArgs().slice(1);
    const txId = stub.getTxID();
    await putStates(
      stub,
      values.map((value, index) => [`${txId}:${index}`, Buffer.from(value)] as const),
    );
    return Shim.success();
  }
}

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set; network/nodes/chaincode.sh starts this service`);
  }
  return value;
}

const server = Shim.server(new FloorChaincode(), {
  ccid: setting('CHAINCODE_ID'),
  address: setting('CHAINCODE_SERVER_ADDRESS'),
  tlsProps: {
    key: readFileSync(setting('CHAINCODE_TLS_KEY_FILE')),
    cert: readFileSync(setting('CHAINCODE_TLS_CERT_FILE')),
    clientCACerts: readFileSync(setting('CHAINCODE_TLS_CLIENT_CA_FILE')),
  },
});
server.start().catch((error: unknown) => {
  console.error('the floor contract could not start:', error);
  process.exit(1);
});
