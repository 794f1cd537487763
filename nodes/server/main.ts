/**
 * `npm run serve [-- [--port N] [--workspace DIR]]`: browser mode, the same as `plasticity serve` (serve.ts).
 */
import { Command } from 'commander';
import { addServeOptions, serve, ServeUsageError, type ServeOptions } from './serve.ts';

const program = addServeOptions(new Command().name('plasticity-serve').description('Serve the Plasticity Lab editor to a browser, with the engine in this process')).parse();
const io = { out: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s) };
serve(program.opts<ServeOptions>(), io).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(e instanceof ServeUsageError ? 2 : 1);
  },
);
