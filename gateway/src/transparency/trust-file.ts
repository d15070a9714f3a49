import { z } from 'zod';

export const TRUST_FORMAT = 'audit-ledger-trust/1';

/**
 * What a regulator obtains out of band and checks everything else against: the organisations'
 * root certificates and the checkpoint keys, with how many witnesses must cosign.
 */
export const trustFile = z.strictObject({
  format: z.literal(TRUST_FORMAT),
  ledger: z.enum(['embedded', 'fabric']),
  organizations: z.array(
    z.strictObject({
      mspId: z.string().min(1),
      rootCertificates: z.array(z.string().min(1)).min(1),
    }),
  ),
  checkpoints: z.strictObject({
    origin: z.string().min(1),
    logKey: z.string().min(1),
    witnessKeys: z.array(z.string().min(1)),
    witnessQuorum: z.int().nonnegative(),
  }),
});

export type TrustFile = z.infer<typeof trustFile>;
