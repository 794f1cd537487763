/**
 * One run at a time in a run folder. Two `plasticity run` (or a run and a sweep) writing into the same --out, say the
 * default runs/latest from two terminals, mixed their files without a word: one graph's summary.json beside another's
 * graph.json, a torn metrics.jsonl. The folder is taken with a lock file made exclusively; a lock whose process is
 * gone (killed before it could let go) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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
      rmSync(file, { force: true });
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
