/** The `plasticity` command run in-process, as the CLI tests call it: its exit code and what it printed on each stream. */
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
