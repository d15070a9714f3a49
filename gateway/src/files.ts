import { chmod, readFile, stat, writeFile } from 'node:fs/promises';

/** The text of `file`, or undefined when there is no such file. */
export async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/**
 * The trimmed text of a secret file, or, when it does not exist yet, `create()`'s text written
 * to it with mode 0600 (never over a file that appeared meanwhile). An existing one that others
 * may read (left by hand, or by a copy that kept its mode) is closed to them first.
 */
export async function readOrCreateSecret(
  file: string,
  create: () => string,
): Promise<{ text: string; created: boolean }> {
  const existing = await readIfPresent(file);
  if (existing !== undefined) {
    if (((await stat(file)).mode & 0o077) !== 0) {
      await chmod(file, 0o600);
    }
    return { text: existing.trim(), created: false };
  }
  const text = create();
  await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  return { text, created: true };
}
