/** Exit statuses of `audit-ledger`, the same for every command. */
export const EXIT = {
  /** Everything asked for holds. */
  ok: 0,
  /** A check failed: a bundle or checkpoint did not verify, a trail is not complete. */
  checkFailed: 1,
  /** The command line or an input file is wrong. */
  badInput: 2,
  /** The gateway refused the request or could not be reached. */
  gateway: 3,
} as const;
