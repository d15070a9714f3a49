import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { afterEach, expect, test } from 'vitest';
import { freePort } from '../support/processes.js';

const START_SCRIPT = resolve(__dirname, '../../chaincode/start-service.sh');

/** Dials the service as a peer would and returns the first message it sends. */
function firstMessage(address: string): Promise<peer.ChaincodeMessage> {
  const client = new peer.ChaincodeClient(address, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const stream: ClientDuplexStream<peer.ChaincodeMessage, peer.ChaincodeMessage> =
      client.connect();
    stream.once('data', (message: peer.ChaincodeMessage) => {
      resolve(message);
      stream.cancel();
      client.close();
    });
    stream.once('error', (error: Error) => {
      client.close();
      reject(error);
    });
  });
}

async function eventually<T>(attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

let service: ChildProcess | undefined;
afterEach(() => {
  service?.kill('SIGTERM');
});

test('the contract runs as a chaincode service and registers with a peer that dials it', async () => {
  const address = `127.0.0.1:${await freePort()}`;
  service = spawn(START_SCRIPT, {
    env: { ...process.env, CHAINCODE_SERVER_ADDRESS: address, CHAINCODE_ID: 'audit_1.0:0123abcd' },
    stdio: 'ignore',
  });

  const message = await eventually(() => firstMessage(address), 20_000);

  expect(message.getType()).toBe(peer.ChaincodeMessage.Type.REGISTER);
  expect(peer.ChaincodeID.deserializeBinary(message.getPayload_asU8()).getName()).toBe(
    'audit_1.0:0123abcd',
  );
}, 30_000);
