/**
 * Browser mode, as `plasticity serve` and `npm run serve` start it: builds the renderer when its build is
 * missing or older than its sources, serves the editor on 127.0.0.1 with the engine in this process, prints the
 * URL to open (it carries the access token) and serves until Ctrl-C or SIGTERM. The options are declared here
 * once, for both commands; the server's own modules load only when it starts, so `plasticity --help` stays fast.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_EXAMPLES_DIR } from './files.ts';

export interface ServeOptions {
  port: string;
  workspace: string;
  examples: string;
  build: boolean;
}

/** Where `serve` writes: the URL on `out`, usage errors on `err` (one sentence each). */
export interface ServeIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Adds the options of browser mode to a command. */
export function addServeOptions(cmd: Command): Command {
  return cmd
    .option('-p, --port <n>', 'port on 127.0.0.1 (0 picks a free one)', '8420')
    .option('-w, --workspace <dir>', 'folder where graphs are opened and saved (made if need be)', 'workspace')
    .option('--examples <dir>', 'folder of example graphs', DEFAULT_EXAMPLES_DIR)
    .option('--no-build', 'do not rebuild the renderer, even when it is out of date');
}

/** Makes the workspace folder if need be; why it cannot be one (the end of a sentence about it), or null. */
async function workspaceProblem(dir: string): Promise<string | null> {
  const s = await stat(dir).catch(() => null);
  if (s && !s.isDirectory()) return 'is a file, not a folder; give a folder (it is made if it does not exist)';
  try {
    await mkdir(dir, { recursive: true });
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') return 'cannot be made: a part of its path is a file, not a folder';
    if (code === 'EACCES' || code === 'EPERM') return 'cannot be made: permission denied';
    if (code === 'EROFS') return 'cannot be made: the file system is read-only';
    return `cannot be made (${code ?? (e as Error).message})`;
  }
}

/** A usage error of `serve`: its sentence, said before anything starts (exit 2). */
export class ServeUsageError extends Error {}

/** The options checked: the port as a number, the workspace made, the examples a folder; a ServeUsageError says what is wrong. */
async function checked(o: ServeOptions): Promise<{ port: number; workspace: string }> {
  const port = Number(o.port);
  if (!/^\d+$/.test(o.port.trim()) || !Number.isInteger(port) || port > 65535) throw new ServeUsageError(`--port must be a number from 0 to 65535, got ${o.port}`);
  if (!(await stat(resolve(o.examples)).catch(() => null))?.isDirectory()) throw new ServeUsageError(`--examples ${o.examples} is not a folder (the folder of example graphs the Examples list shows)`);
  // Before the (slow) build: a workspace that cannot be a folder is a usage error, said in a sentence.
  const workspace = resolve(o.workspace);
  const problem = await workspaceProblem(workspace);
  if (problem) throw new ServeUsageError(`--workspace ${o.workspace} ${problem}`);
  return { port, workspace };
}

/** Resolves at the first Ctrl-C or SIGTERM. */
function untilSignalled(): Promise<void> {
  return new Promise((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Serves until `until` resolves (by default the first Ctrl-C or SIGTERM), then closes the server: a run in
 * progress stops as with Stop and keeps what it measured. Throws ServeUsageError for a bad option.
 */
export async function serve(o: ServeOptions, io: ServeIo, until: Promise<void> = untilSignalled()): Promise<void> {
  const { port, workspace } = await checked(o);
  const { DEFAULT_STATIC_DIR, REPO_ROOT, startLabServer } = await import('./ws-server.ts');
  if (o.build) await (await import('./build-renderer.ts')).ensureRendererBuilt();
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const server = await startLabServer({ port, staticDir: DEFAULT_STATIC_DIR, workspace, examplesDir: resolve(o.examples), version: pkg.version });
  io.out(`Plasticity Lab is serving ${workspace}\n`);
  io.out(`Open ${server.url}\n`);
  await until;
  await server.close();
}
