import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import { useEffect, useState } from 'react';
import { loadVerifier } from './load-verifier';
import type { TrustFile } from './offline-verifier';

/**
 * The trust roots a regulator checks evidence against: a trust file they load from their own
 * disk, never from the gateway being checked. Kept in this browser's local storage, with a
 * fingerprint to compare with the one published out of band.
 */
export interface TrustRoots {
  trust: TrustFile;
  /** SHA-256 of the file as loaded, in groups of four hex digits. */
  fingerprint: string;
}

const STORED_TRUST = 'audit-console.trust';

/** The roots a trust file's text holds; rejects with the verifier's message when unusable. */
async function trustRootsOf(text: string): Promise<TrustRoots> {
  const trust = (await loadVerifier()).trustFromText(text);
  const hex = bytesToHex(sha256(new TextEncoder().encode(text)));
  return { trust, fingerprint: hex.replace(/(.{4})(?!$)/g, '$1 ') };
}

export interface TrustRootsState {
  roots: TrustRoots | undefined;
  /** Loads a trust file's text (rejects when it is unusable) and keeps it in this browser. */
  load: (text: string) => Promise<void>;
  forget: () => void;
}

export function useTrustRoots(): TrustRootsState {
  const [roots, setRoots] = useState<TrustRoots | undefined>(undefined);
  useEffect(() => {
    const stored = localStorage.getItem(STORED_TRUST);
    if (stored !== null) {
      trustRootsOf(stored).then(setRoots, () => {
        localStorage.removeItem(STORED_TRUST);
      });
    }
  }, []);
  return {
    roots,
    load: async (text) => {
      const loaded = await trustRootsOf(text);
      localStorage.setItem(STORED_TRUST, text);
      setRoots(loaded);
    },
    forget: () => {
      localStorage.removeItem(STORED_TRUST);
      setRoots(undefined);
    },
  };
}
