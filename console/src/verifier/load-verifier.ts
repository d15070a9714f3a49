/** The offline verifier, loaded the first time something is verified: sign-in and search stay light. */
export type OfflineVerifier = typeof import('./offline-verifier');

let loading: Promise<OfflineVerifier> | undefined;

export function loadVerifier(): Promise<OfflineVerifier> {
  loading ??= import('./offline-verifier');
  return loading;
}
