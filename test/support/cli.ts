/** The `plasticity` command run in-process, as the CLI tests call it: its exit code and what it printed on each stream. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../nodes/cli/main.ts';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

/** The non-empty lines of a stream's text. */
export const lines = (s: string): string[] => s.split('\n').filter((l) => l.length > 0);

/**
 * A folder holding the four MNIST file names with text in them, not IDX data: it passes the check `run` and `sweep`
 * make before a run (the files are there), and the run fails at the data node reading them.
 */
export function notIdxFolder(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(dir, name), 'not IDX data\n');
  return dir;
}
