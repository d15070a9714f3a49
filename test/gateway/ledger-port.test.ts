import { describeLedgerPort } from '../conformance/ledger-port.js';

describeLedgerPort({ LEDGER: 'embedded' });
