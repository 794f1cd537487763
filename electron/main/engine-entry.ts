/** utilityProcess entry: serves the engine over process.parentPort. */
import { serveEngine } from '../../nodes/server/engine-worker.ts';
import type { ToEngine } from '../../nodes/server/engine-protocol.ts';

interface ParentPort {
  postMessage(m: unknown): void;
  on(event: 'message', cb: (e: { data: ToEngine }) => void): void;
}
const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!port) throw new Error('engine-entry must run in an Electron utilityProcess');
serveEngine({
  post: (msg) => port.postMessage(msg),
  onMessage: (cb) => port.on('message', (e) => cb(e.data)),
});
