import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every regular file under `folder`, at any depth. */
export async function filesUnder(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const item of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, item.name);
    if (item.isDirectory()) {
      files.push(...(await filesUnder(path)));
    } else if (item.isFile()) {
      files.push(path);
    }
  }
  return files;
}
