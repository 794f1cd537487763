/** worker_threads entry: serves the engine over the thread's parentPort. */
import { parentPort } from 'node:worker_threads';
import type { FromEngine, ToEngine } from './engine-protocol.ts';
import { serveEngine } from './engine-worker.ts';

if (!parentPort) throw new Error('engine-thread must run in a worker thread');
const port = parentPort;
serveEngine({
  post: (msg: FromEngine) => port.postMessage(msg),
  onMessage: (cb) => port.on('message', (m: ToEngine) => cb(m)),
});
