import { Buffer } from 'buffer';

// The offline verifier is Node code that uses Buffer; in the browser, the same class from the
// `buffer` package. Imported before the verifier, so its modules find it when they load.
(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;

// Node's Buffer#equals compares with any Uint8Array (Fabric's messages hand out plain ones);
// the package's only with a Buffer. The verifier relies on Node's behaviour.
interface Comparable {
  equals: (this: Uint8Array, other: Uint8Array) => boolean;
}
const prototype = Buffer.prototype as unknown as Comparable;
const equalsBuffer = prototype.equals;
prototype.equals = function equals(this: Uint8Array, other: Uint8Array): boolean {
  const asBuffer = Buffer.isBuffer(other)
    ? other
    : Buffer.from(other.buffer, other.byteOffset, other.byteLength);
  return equalsBuffer.call(this, asBuffer);
};
