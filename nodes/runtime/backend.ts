// TensorFlow.js backend selection in Node.
//
// 'auto' tries, in order: @tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node (both optional, native,
// backend name 'tensorflow'), the WebAssembly backend (SIMD on where the runtime has it), then the
// plain JavaScript 'cpu' backend. A forced backend that cannot load is a BackendError.
//
// WebAssembly threads: tfjs-backend-wasm 4.22 never uses them in Node (its feature test returns
// false under Node, and forcing the flag on makes initialization fail because the pthread worker
// is created from a blob: URL, which Node's Worker refuses). So the wasm backend here runs with
// SIMD on one thread; see bench/matmul.ts for the measured speed.

import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { patchWasmMatMul } from './wasm-matmul.ts';
import { isInstalled, NATIVE } from './native-packages.ts';

export type Tf = typeof import('@tensorflow/tfjs');

export type BackendRequest = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu' | 'auto';

export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  /** The tfjs backend name in use: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** What was asked for. */
  requested: BackendRequest;
  /** The tfjs instance to use (tfjs-node's when that was loaded; it re-exports tfjs). */
  tf: Tf;
  /** One line for a person: which backend was chosen and why. */
  note: string;
}

/** A backend that was asked for by name but cannot be used. */
export class BackendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendError';
  }
}

const require = createRequire(import.meta.url);

type Attempt = { ok: true; info: Omit<BackendInfo, 'requested' | 'note'>; detail: string } | { ok: false; reason: string; error?: unknown };

const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();

async function loadTfjs(): Promise<Tf> {
  return import('@tensorflow/tfjs');
}

async function tryNative(which: 'tensorflow-gpu' | 'tensorflow'): Promise<Attempt> {
  const { pkg, hint } = NATIVE[which];
  if (!isInstalled(pkg)) return { ok: false, reason: `${pkg} is not installed (${hint})` };
  let tf: Tf;
  try {
    // The package name is held in a variable so that TypeScript and bundlers do not require it.
    const spec: string = pkg;
    const mod = (await import(spec)) as { default?: unknown };
    tf = (mod.default ?? mod) as Tf;
  } catch (err) {
    return { ok: false, reason: `${pkg} is installed but failed to load (${firstLine(err)})`, error: err };
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) {
      return { ok: false, reason: `${pkg} loaded but its backend 'tensorflow' failed to initialize` };
    }
    await tf.ready();
  } catch (err) {
    return { ok: false, reason: `${pkg} loaded but its backend 'tensorflow' failed to initialize (${firstLine(err)})`, error: err };
  }
  return { ok: true, info: { name: tf.getBackend(), tf }, detail: `via ${pkg}` };
}

let wasmPathsSet = false;

/** The folder holding the .wasm binaries of @tensorflow/tfjs-backend-wasm, as a plain path ending in a separator. */
export function wasmDistDir(): string {
  const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep;
  // In a packaged Electron app the .wasm files are unpacked beside the asar archive (asarUnpack).
  return dir.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);
}

async function tryWasm(): Promise<Attempt> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  let dir: string;
  try {
    dir = wasmDistDir();
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm cannot be loaded (${firstLine(err)})`, error: err };
  }
  const tf = await loadTfjs();
  try {
    if (!wasmPathsSet) {
      wasm.setWasmPaths(dir);
      wasmPathsSet = true;
    }
    if (!(await tf.setBackend('wasm'))) {
      return { ok: false, reason: `the WebAssembly module in ${dir} failed to initialize` };
    }
    await tf.ready();
    patchWasmMatMul(tf);
  } catch (err) {
    return { ok: false, reason: `the WebAssembly backend failed to initialize (${firstLine(err)})`, error: err };
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  let threads = 1;
  try {
    threads = wasm.getThreadsCount();
  } catch {
    // not initialized: keep 1
  }
  return {
    ok: true,
    info: { name: tf.getBackend(), tf },
    detail: `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`,
  };
}

async function tryCpu(): Promise<Attempt> {
  const tf = await loadTfjs();
  try {
    if (!(await tf.setBackend('cpu'))) return { ok: false, reason: `the cpu backend failed to initialize` };
    await tf.ready();
    // tfjs prints a banner about the native backend into the middle of the first op's output; the engine's own
    // start line already says which backend runs and why (the README says how to install the native one).
    const cpu = tf.backend() as { firstUse?: boolean };
    if ('firstUse' in cpu) cpu.firstUse = false;
  } catch (err) {
    return { ok: false, reason: `the cpu backend failed to initialize (${firstLine(err)})`, error: err };
  }
  return { ok: true, info: { name: tf.getBackend(), tf }, detail: 'plain JavaScript' };
}

function attempt(which: Exclude<BackendRequest, 'auto'>): Promise<Attempt> {
  switch (which) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return tryNative(which);
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return tryCpu();
  }
}

const shortName: Record<Exclude<BackendRequest, 'auto'>, string> = {
  'tensorflow-gpu': 'tfjs-node-gpu',
  tensorflow: 'tfjs-node',
  wasm: 'wasm',
  cpu: 'cpu',
};

type Kind = Exclude<BackendRequest, 'auto'>;

async function select(requested: BackendRequest): Promise<{ info: BackendInfo; kind: Kind }> {
  if (requested !== 'auto') {
    const a = await attempt(requested);
    if (!a.ok) throw new BackendError(`backend ${requested} is not available: ${a.reason}`, { cause: a.error });
    return { info: { ...a.info, requested, note: `${a.info.name} (${a.detail}; asked for by name)` }, kind: requested };
  }
  const skipped: string[] = [];
  for (const which of ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const) {
    const a = await attempt(which);
    if (a.ok) {
      const why = skipped.length ? `; ${skipped.join('; ')}` : '';
      return { info: { ...a.info, requested, note: `${a.info.name} (${a.detail}; chosen automatically${why})` }, kind: which };
    }
    const reason = a.reason.replace(/ \((it is optional|needs CUDA)[^)]*\)$/, '');
    skipped.push(/^@tensorflow\/tfjs-node(-gpu)? is not installed$/.test(reason) ? `${shortName[which]} not installed` : reason);
  }
  throw new BackendError(`no TensorFlow.js backend could be initialized: ${skipped.join('; ')}`);
}

let current: BackendInfo | undefined;
let currentKind: Kind | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Selects and initializes the TensorFlow.js backend ('auto' when not given). The choice is kept for
 * the process: later calls with 'auto' or naming the backend in use return the same object; a call
 * naming another backend switches to it (or throws a BackendError and keeps the current one).
 * Calls are serialized, so concurrent calls never initialize two backends at once.
 */
export function initBackend(requested: BackendRequest = 'auto'): Promise<BackendInfo> {
  if (!BACKEND_REQUESTS.includes(requested)) {
    return Promise.reject(
      new BackendError(`unknown backend '${String(requested)}' (expected one of ${BACKEND_REQUESTS.join(', ')})`),
    );
  }
  const run = async (): Promise<BackendInfo> => {
    if (current && (requested === 'auto' || requested === currentKind)) return current;
    const { info, kind } = await select(requested);
    current = info;
    currentKind = kind;
    return info;
  };
  const p = queue.then(run, run);
  queue = p.catch(() => undefined);
  return p;
}

/** The backend chosen by the last successful initBackend call, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}
