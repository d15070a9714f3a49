import type { EvidenceReport } from './offline-verification';

/** One step of an offline verification, with a stable reason code when it fails. */
export interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
  reason?: string;
}

export interface VerificationReport {
  verified: boolean;
  checks: CheckResult[];
}

export function report(checks: CheckResult[]): VerificationReport {
  return { verified: checks.length > 0 && checks.every((check) => check.ok), checks };
}

export function formatReport(result: VerificationReport): string {
  const lines = result.checks.map(
    (check) =>
      `${check.ok ? '✓' : '✗'} ${check.check}: ${check.detail}${check.reason === undefined ? '' : ` [${check.reason}]`}`,
  );
  return `${lines.join('\n')}\n${result.verified ? 'VERIFIED' : 'NOT VERIFIED'}\n`;
}

/** An evidence package's report: its checkpoint, then each entry's checklist, then the verdict. */
export function formatEvidenceReport(result: EvidenceReport): string {
  const sections = [
    `package checkpoint\n${formatReport(result.checkpoint)}`,
    ...result.entries.map((entry) => `entry ${entry.id}\n${formatReport(entry)}`),
  ];
  const failed = result.entries.filter((entry) => !entry.verified).length;
  return `${sections.join('\n')}\n${result.entries.length} entries, ${failed} not verified\n${
    result.verified ? 'VERIFIED' : 'NOT VERIFIED'
  }\n`;
}

export const pass = (check: string, detail: string): CheckResult => ({ check, ok: true, detail });

export const fail = (check: string, detail: string, reason: string): CheckResult => ({
  check,
  ok: false,
  detail,
  reason,
});
