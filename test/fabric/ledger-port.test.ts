import { resolve } from 'node:path';
import { describeLedgerPort } from '../conformance/ledger-port.js';

describeLedgerPort({
  LEDGER: 'fabric',
  FABRIC_DEVELOPMENT: 'true',
  FABRIC_CONNECTION: resolve(__dirname, '../../network/.state/connection.json'),
});
