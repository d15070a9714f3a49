import '@audit-ledger/gateway/dist/fabric-logging';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { standardKinds } from '@audit-ledger/chaincode';
import { VERSION } from '@audit-ledger/gateway/dist/gateway';
import { buildOpenApiDocument } from '@audit-ledger/gateway/dist/http/openapi';

/**
 * Writes the gateway's OpenAPI document to a file, as `GET /openapi.json` serves it: the console's
 * typed client is generated from it, so an API change that breaks the console breaks its build.
 */
const [output] = process.argv.slice(2);
if (output === undefined) {
  process.stderr.write('usage: node scripts/dist/openapi-document.js <output.json>\n');
  process.exit(2);
}
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, `${JSON.stringify(buildOpenApiDocument(VERSION, standardKinds), null, 2)}\n`);
