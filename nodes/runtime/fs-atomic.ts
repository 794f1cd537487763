// Atomic file writes: readers see either the old file or the whole new one, never a partial write.

import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** The longest file name writeFileAtomic can write: the usual 255 bytes less its temporary name's extra 26. */
export const MAX_FILE_NAME_BYTES = 229;

/**
 * Why `name` is not a plain file name to write inside one folder (no / or \\, no control characters, no leading dot,
 * at most `maxBytes` bytes), or null when it is. `why` adds a reason to the first three in brackets. A sentence, never
 * a file system error.
 */
export function plainFileNameProblem(name: string, maxBytes = MAX_FILE_NAME_BYTES, why: { slash?: string; dot?: string } = {}): string | null {
  const reason = (text?: string): string => (text ? ` (${text})` : '');
  const slash = /[/\\]/.exec(name)?.[0];
  if (slash) return `a file name cannot contain ${slash}${reason(why.slash)}`;
  if (/\p{Cc}|\p{Cf}/u.test(name)) return 'a file name cannot contain control characters';
  if (name.startsWith('.')) return `a file name cannot start with a dot${reason(why.dot)}`;
  const bytes = Buffer.byteLength(name);
  if (bytes > maxBytes) return `the file name is ${bytes} bytes long; use at most ${maxBytes}`;
  return null;
}

/**
 * Writes `data` to `path` atomically: to a temporary file in the same folder, fsync'ed, then
 * renamed over `path` (and the folder fsync'ed where the platform allows). On failure the
 * temporary file is removed and `path` is left as it was. A file that exists keeps its permissions
 * (and, where allowed, its owner); through a symbolic link, the file it points to is replaced and
 * the link stays.
 */
export async function writeFileAtomic(path: string, data: Buffer | Uint8Array | string): Promise<void> {
  const target = await realpath(path).catch(() => path); // a new file (or a dangling link): path itself
  const old = await stat(target).catch(() => null);
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(data);
      if (old) {
        await fh.chmod(old.mode & 0o7777);
        if (process.getuid && (old.uid !== process.getuid() || old.gid !== process.getgid?.())) await fh.chown(old.uid, old.gid).catch(() => undefined);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
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
