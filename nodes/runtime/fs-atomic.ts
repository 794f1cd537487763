// Atomic file writes: readers see either the old file or the whole new one, never a partial write.

import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` atomically: to a temporary file in the same folder, fsync'ed, then
 * renamed over `path` (and the folder fsync'ed where the platform allows). On failure the
 * temporary file is removed and `path` is left as it was.
 */
export async function writeFileAtomic(path: string, data: Buffer | Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    renamed = true;
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
  // Make the rename itself durable. Opening a folder fails on some platforms (Windows): skip there.
  try {
    const dh = await open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // best effort
  }
}
