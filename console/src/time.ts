import type { Language } from './i18n';

/**
 * A ledger time as the district reads it: in Asia/Shanghai, with the offset shown, so that a
 * time copied from the console is never mistaken for another zone's.
 */
export function districtTime(iso: string, language: Language): string {
  const parts = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((candidate) => candidate.type === type)?.value ?? '';
  const offset = part('timeZoneName').replace('GMT', 'UTC');
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${offset}`;
}

/** A `datetime-local` value read as Asia/Shanghai time, as the console shows every time. */
export function shanghaiInstant(local: string): string | undefined {
  return local === '' ? undefined : new Date(`${local}:00+08:00`).toISOString();
}
