import {
  ERASURE_KIND,
  entryId,
  findNationalIdentifiers,
  freeText,
  type KindRegistry,
} from '@audit-ledger/chaincode';
import type { Logger } from 'pino';
import { z } from 'zod';
import { LedgerError, type Ledger, type LedgerEntry, type Principal } from '../ledger/ledger';
import { RequestError, parseRequest } from './request-error';
import { uuidV7 } from '../uuid-v7';

/** `POST /v1/entries/{id}/erase`: why, on what legal basis, and optionally the erasure's id. */
export const erasureRequestBody = z.strictObject({
  reason: freeText(),
  legalBasis: freeText(),
  id: entryId.optional().describe('The entry-erasure entry’s id; a UUIDv7 when omitted'),
});

/** An erasure as the API answers it: the erasure entry, and the entry as it now reads. */
export interface ErasureOutcome {
  erasure: LedgerEntry;
  entry: LedgerEntry;
}

/** What one retention sweep did. */
export interface SweepOutcome {
  erased: number;
  failed: number;
}

/** Due entries asked for per page of a sweep. */
const SWEEP_PAGE = 100;

/**
 * Lawful erasure: an entry's details are purged from the collection that holds them once their
 * retention has ended, on request (a credit writer's or a regulator's, with a reason and a legal
 * basis) or by the retention sweep; the ledger refuses what is not due, not erasable, or erased.
 */
export class ErasureService {
  /** `onErased` runs after each erasure: the gateway's own stores forget what they dropped. */
  constructor(
    private readonly ledger: Ledger,
    private readonly kinds: KindRegistry,
    private readonly logger: Logger,
    private readonly onErased: () => void,
  ) {}

  /** Erases the entry `id` (or `{MSP id}/{id}`) names, as GET /v1/entries/{id} finds it. */
  async erase(principal: Principal, id: string, body: unknown): Promise<ErasureOutcome> {
    // Said before the entry is looked up: a role that may not erase learns nothing of it. The
    // roles that may write the erasure kind are those that may erase.
    if (!this.kinds.writableKinds(principal.role).includes(ERASURE_KIND)) {
      throw new RequestError('FORBIDDEN', `role ${principal.role} may not erase entries`);
    }
    // Screened here, as entries are, so that no identifier reaches a ledger (a Fabric peer would
    // get it in the proposal before the contract refused it) and the paths are the body's own.
    const personal = findNationalIdentifiers(body);
    if (personal.length > 0) {
      throw new RequestError(
        'PERSONAL_DATA',
        'the erasure request contains a resident identity number or unified social credit code',
        personal.map((path) => ({ path, message: 'contains a national identifier' })),
      );
    }
    const request = parseRequest(
      erasureRequestBody,
      body,
      'INVALID_ARGUMENT',
      'the erasure request is invalid',
    );
    const target = await this.ledger.getEntry(principal, id);
    return this.eraseAt(principal, target.submitter.mspId, target.id, {
      ...request,
      id: request.id ?? uuidV7(),
    });
  }

  /**
   * Erases every entry whose retention has ended that `principal` may erase, earliest first,
   * saying so with `reason` and `legalBasis`. An entry that fails is logged and left for the next
   * sweep; the others go on.
   */
  async sweep(
    principal: Principal,
    grounds: { reason: string; legalBasis: string },
  ): Promise<SweepOutcome> {
    const outcome: SweepOutcome = { erased: 0, failed: 0 };
    let bookmark = '';
    do {
      const page = await this.ledger.dueErasures(principal, { pageSize: SWEEP_PAGE, bookmark });
      for (const due of page.items) {
        try {
          await this.eraseAt(principal, due.mspId, due.id, { ...grounds, id: uuidV7() });
          outcome.erased += 1;
        } catch (error) {
          // Another gateway's sweep may have erased it first: that is done, not failed.
          if (!(error instanceof RequestError && error.code === 'ALREADY_ERASED')) {
            outcome.failed += 1;
            this.logger.warn(
              { err: error, entry: `${due.mspId}/${due.id}` },
              'erasing an entry whose retention ended failed; the next sweep tries again',
            );
          }
        }
      }
      bookmark = page.bookmark;
    } while (bookmark !== '');
    if (outcome.erased > 0 || outcome.failed > 0) {
      this.logger.info(outcome, 'retention sweep');
    }
    return outcome;
  }

  private async eraseAt(
    principal: Principal,
    mspId: string,
    id: string,
    request: { id: string; reason: string; legalBasis: string },
  ): Promise<ErasureOutcome> {
    try {
      const erasure = await this.ledger.eraseEntry(principal, {
        id: request.id,
        entry: { mspId, id },
        reason: request.reason,
        legalBasis: request.legalBasis,
      });
      this.onErased();
      return { erasure, entry: await this.ledger.getEntry(principal, `${mspId}/${id}`) };
    } catch (error) {
      throw error instanceof LedgerError ? RequestError.fromLedger(error) : error;
    }
  }
}
