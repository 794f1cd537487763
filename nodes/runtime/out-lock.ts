/**
 * One run at a time in a run folder. Two `plasticity run` (or a run and a sweep) writing into the same --out, say the
 * default runs/latest from two terminals, mixed their files without a word: one graph's summary.json beside another's
 * graph.json, a torn metrics.jsonl. The folder is taken with a lock file made exclusively; a lock whose process is
 * gone (killed before it could let go) is taken over.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = '.plasticity-run.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, as another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the lock `file` left by the dead process `pid`, and only that one: two processes finding the same stale lock
 * must not remove the lock the quicker one has just made. The file is moved aside (one mover wins), and put back if it
 * turns out to be another's live lock.
 */
export function takeOverStale(file: string, pid: number): void {
  const aside = `${file}.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // gone already: someone else moved it
  }
  let now = NaN;
  try {
    now = Number(readFileSync(aside, 'utf8').trim());
  } catch {
    // unreadable: treat as stale
  }
  if (now !== pid && Number.isInteger(now) && now > 0 && alive(now)) {
    // A live lock made after ours was read: back where it was, unless yet another has been made meanwhile.
    try {
      linkSync(aside, file);
    } catch {
      // a newer lock is there: it stands
    }
  }
  rmSync(aside, { force: true });
}

/** The live process whose lock holds the folder `dir` (a run or sweep writing there now), or null. */
export function lockHolder(dir: string): number | null {
  let pid = NaN;
  try {
    pid = Number(readFileSync(join(dir, LOCK_FILE), 'utf8').trim());
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
}

/**
 * Takes the folder `dir` for this process until `release()` (or its exit). Returns the pid of the live process
 * holding it instead, when there is one.
 */
export function lockFolder(dir: string): { release: () => void } | { heldBy: number } {
  const file = join(dir, LOCK_FILE);
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let pid = NaN;
      try {
        pid = Number(readFileSync(file, 'utf8').trim());
      } catch {
        // Gone between the two calls: try again.
      }
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) return { heldBy: pid };
      takeOverStale(file, pid);
    }
  }
  // Let go however the process ends (a second Ctrl-C exits at once).
  const onExit = (): void => release();
  let held = true;
  function release(): void {
    if (!held) return;
    held = false;
    process.removeListener('exit', onExit);
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  }
  process.on('exit', onExit);
  return { release };
}
