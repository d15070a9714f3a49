// fabric-shim's contract dispatcher is not part of its typed public API; this is the slice we use.
declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract.js' {
  import type { ChaincodeResponse, ChaincodeStub } from 'fabric-shim-api';

  export default class ChaincodeFromContract {
    constructor(
      contractClasses: unknown[],
      serializers: { transaction: string; serializers: Record<string, unknown> },
      metadata?: object,
      title?: string,
      version?: string,
    );
    Invoke(stub: ChaincodeStub): Promise<ChaincodeResponse>;
  }
}
