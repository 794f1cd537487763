/** Clearing a run folder that holds an earlier run, before a new run writes into it (`plasticity run` and `sweep`). */
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A folder that holds an earlier run (runs/latest, or --out given twice): the pictures that run wrote and its report
 * go, so they do not pass for this run's. Other files (saved networks a graph may read back) stay; the summary,
 * events and graph are written anew.
 */
export async function clearEarlierRun(dir: string, say: (text: string) => void): Promise<void> {
  let earlier: { images?: unknown };
  try {
    earlier = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { images?: unknown };
  } catch {
    return;
  }
  const pictures = Array.isArray(earlier.images) ? earlier.images.filter((f): f is string => typeof f === 'string' && /^[^/\\]+\.png$/.test(f)) : [];
  await Promise.all([...pictures, 'report.html', 'summary.json'].map((f) => rm(join(dir, f), { force: true })));
  // A note is the user's words: kept, but no longer read as this run's.
  const kept = await rename(join(dir, 'note.md'), join(dir, 'note-of-an-earlier-run.md')).then(
    () => true,
    () => false,
  );
  say(`note: ${dir} held an earlier run; its pictures and report were removed${kept ? ', its note kept as note-of-an-earlier-run.md' : ''}\n`);
}
