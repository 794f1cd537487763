/**
 * `npm run serve [-- [--port N] [--workspace DIR]]`: browser mode. Builds the renderer when its
 * build is missing or older than its sources, starts the server on 127.0.0.1 and prints the URL
 * to open (it carries the access token).
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { ensureRendererBuilt } from './build-renderer.ts';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { DEFAULT_EXAMPLES_DIR } from './files.ts';
import { DEFAULT_STATIC_DIR, REPO_ROOT, startLabServer } from './ws-server.ts';

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

async function main(): Promise<void> {
  const program = new Command()
    .name('plasticity-serve')
    .description('Serve the Plasticity Lab editor to a browser, with the engine in this process')
    .option('-p, --port <n>', 'port on 127.0.0.1 (0 picks a free one)', '8420')
    .option('-w, --workspace <dir>', 'folder where graphs are opened and saved', 'workspace')
    .option('--examples <dir>', 'folder of example graphs', DEFAULT_EXAMPLES_DIR)
    .option('--no-build', 'do not rebuild the renderer, even when it is out of date')
    .parse();
  const opts = program.opts<{ port: string; workspace: string; examples: string; build: boolean }>();
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number from 0 to 65535, got ${opts.port}`);
    process.exit(2);
  }
  // Before the (slow) build: a workspace that cannot be a folder is a usage error, said in a sentence.
  const workspace = resolve(opts.workspace);
  const problem = await workspaceProblem(workspace);
  if (problem) {
    console.error(`--workspace ${opts.workspace} ${problem}`);
    process.exit(2);
  }
  if (opts.build) await ensureRendererBuilt();
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const server = await startLabServer({ port, staticDir: DEFAULT_STATIC_DIR, workspace, examplesDir: resolve(opts.examples), version: pkg.version });
  console.log(`Plasticity Lab is serving ${workspace}`);
  console.log(`Open ${server.url}`);
  const shutdown = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
