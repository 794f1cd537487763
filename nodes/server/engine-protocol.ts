/** Messages between the engine host (main thread / Electron main) and the engine worker. JSON only. */
import type { Plan } from '../core/plan.ts';
import type { RunEvent, RunSummary } from '../runtime/events.ts';
import type { RunOptions } from '../runtime/op.ts';

export type Backend = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export type ToEngine =
  | { type: 'run'; runId: string; plan: Plan; options: RunOptions; backend: Backend }
  | { type: 'stop'; runId: string }
  /** Get ready for a run on this backend (load it) while idle, so the run starts at once. */
  | { type: 'warm'; backend: Backend };

export type FromEngine =
  | { type: 'event'; runId: string; event: RunEvent }
  | { type: 'done'; runId: string; summary: RunSummary }
  | { type: 'fatal'; runId: string; message: string };

/** Either side of a worker_thread's port or an Electron utilityProcess's parentPort, reduced to what we use. */
export interface EngineChannel {
  post(msg: ToEngine): void;
  onMessage(cb: (msg: FromEngine) => void): void;
  /** cause: why it ended, when the process or thread said (an uncaught error, out of memory). */
  onExit(cb: (code: number, cause?: string) => void): void;
  kill(): void;
}

export type SpawnEngine = () => EngineChannel;
