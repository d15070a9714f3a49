/** The certificate attribute (Fabric CA's `attrs`) that names a caller's role. */
export const ROLE_ATTRIBUTE = 'audit.role';
export const ROLES = ['sandbox-writer', 'credit-writer', 'regulator'] as const;
export type Role = (typeof ROLES)[number];
