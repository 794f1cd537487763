/** The engine in an Electron utilityProcess: tfjs-node loads here when installed, else wasm. */
import type { UtilityProcess } from 'electron';
import type { EngineChannel, FromEngine } from '../../nodes/server/engine-protocol.ts';

export interface UtilityDeps {
  fork: (modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'inherit' | 'pipe' }) => UtilityProcess;
  /** The bundled engine entry (dist/electron/engine.cjs, unpacked from the asar for native modules). */
  entry: string;
}

export function utilityEngineSpawner(d: UtilityDeps): () => EngineChannel {
  return () => {
    const child = d.fork(d.entry, [], { serviceName: 'Plasticity engine', stdio: 'inherit' });
    let alive = true;
    let cause: string | undefined;
    child.on('exit', () => {
      alive = false;
    });
    // A fatal V8 error (out of memory on a large network, say): logged here and named by the exit that follows, which
    // ends the run with an error. Without a listener the 'error' event would throw in the main process.
    child.on('error', (type, location) => {
      cause = `${type} at ${location}`;
      console.error(`the engine process failed: ${cause}`);
    });
    return {
      post: (msg) => child.postMessage(msg),
      onMessage: (cb) => child.on('message', (m: FromEngine) => cb(m)),
      onExit: (cb) => child.on('exit', (code: number) => cb(code, cause)),
      kill: () => {
        if (alive) child.kill();
      },
    };
  };
}
