import { Buffer } from 'buffer';

// The offline verifier is Node code that uses Buffer; in the browser, the same class from the
// `buffer` package. Imported before the verifier, so its modules find it when they load.
(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;
