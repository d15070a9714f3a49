import { z } from 'zod';

export const TRUST_FORMAT = 'audit-ledger-trust/1';

const organizationRoots = z.array(
  z.strictObject({
    mspId: z.string().min(1),
    rootCertificates: z.array(z.string().min(1)).min(1),
  }),
);

/**
 * What a regulator obtains out of band and checks everything else against: the organisations'
 * and orderers' root certificates, the endorsement policy, and the checkpoint keys.
 */
export const trustFile = z.strictObject({
  format: z.literal(TRUST_FORMAT),
  ledger: z.enum(['embedded', 'fabric']),
  channel: z.string().min(1),
  /** The chaincode whose writes hold entries (Fabric; the embedded ledger has no namespaces). */
  chaincode: z.string().min(1).optional(),
  /** The peer organisations: their roots vouch for creators, endorsers and validating peers. */
  organizations: organizationRoots,
  /** The ordering service's organisations: their roots vouch for block signers. */
  orderers: organizationRoots,
  /**
   * A BFT ordering service's consenters, as the channel configuration names them: a BFT orderer
   * signs a block under its consenter id, not its certificate.
   */
  consenters: z
    .array(
      z.strictObject({
        id: z.int().nonnegative(),
        mspId: z.string().min(1),
        certificate: z.string().min(1),
      }),
    )
    .optional(),
  /**
   * A majority of `organizations`: those the channel holds now. Where organisations joined or
   * left, `earlier` names the ones it held before, each for the blocks below `untilBlock`.
   */
  endorsementPolicy: z.strictObject({
    rule: z.literal('MAJORITY'),
    organizations: z.array(z.string().min(1)).min(1),
    earlier: z
      .array(
        z.strictObject({
          organizations: z.array(z.string().min(1)).min(1),
          untilBlock: z.int().positive(),
        }),
      )
      .refine(
        (periods) =>
          periods.every(
            (period, i) => i === 0 || (periods[i - 1]?.untilBlock ?? 0) < period.untilBlock,
          ),
        'earlier periods are in block order, each ending after the one before',
      )
      .optional(),
  }),
  /** Orderer signatures a block needs: one for Raft, a quorum for BFT. */
  ordererSignaturesRequired: z.int().positive(),
  /** Organisations whose peers must agree on a transaction's validation code. */
  validationReportsRequired: z.int().positive(),
  checkpoints: z.strictObject({
    origin: z.string().min(1),
    logKey: z.string().min(1),
    witnessKeys: z.array(z.string().min(1)),
    witnessQuorum: z.int().nonnegative(),
  }),
});

export type TrustFile = z.infer<typeof trustFile>;
