/**
 * The engine's side of the worker: runs one plan at a time with the runtime and streams its
 * events back. Runs in a worker_thread (browser mode) or an Electron utilityProcess, never on the
 * thread that serves the UI, so the editor stays responsive and Stop is heard between batches.
 */
import { initBackend } from '../runtime/backend.ts';
import { runPlan, StopToken } from '../runtime/engine.ts';
import type { FromEngine, ToEngine } from './engine-protocol.ts';

export interface WorkerPort {
  post(msg: FromEngine): void;
  onMessage(cb: (msg: ToEngine) => void): void;
}

export function serveEngine(port: WorkerPort): void {
  const tokens = new Map<string, StopToken>();
  port.onMessage((msg) => {
    if (msg.type === 'stop') {
      tokens.get(msg.runId)?.stop();
      return;
    }
    if (msg.type === 'warm') {
      // The run that follows loads the same backend at once (or says why it cannot, as it would have anyway).
      void initBackend(msg.backend).catch(() => undefined);
      return;
    }
    if (msg.type !== 'run') return;
    const token = new StopToken();
    tokens.set(msg.runId, token);
    runPlan({
      plan: msg.plan,
      options: msg.options,
      backend: msg.backend,
      stop: token,
      onEvent: (event) => port.post({ type: 'event', runId: msg.runId, event }),
    })
      .then((summary) => port.post({ type: 'done', runId: msg.runId, summary }))
      .catch((e: unknown) => port.post({ type: 'fatal', runId: msg.runId, message: e instanceof Error ? e.message : String(e) }))
      .finally(() => tokens.delete(msg.runId));
  });
}
