// Speed of one [100,784] x [784,1000] matMul (a batch of 100 MNIST digits times a 784->1000 weight
// matrix) on each available tfjs backend, in GFLOP/s (2*100*784*1000 flops per product).
// 'wasm-nosimd' is the wasm backend with SIMD turned off, for comparison.
// Run: npx tsx bench/matmul.ts [reps]   (each backend runs in its own child process, so that one
// backend's initialization cannot affect another's).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend, type BackendRequest } from '../nodes/runtime/backend.ts';

const M = 100;
const K = 784;
const N = 1000;

async function measure(variant: string, reps: number): Promise<void> {
  if (variant === 'wasm-nosimd') {
    // For comparison: the wasm backend without SIMD (the flag must be set before initialization).
    await import('@tensorflow/tfjs-backend-wasm');
    (await import('@tensorflow/tfjs')).env().set('WASM_HAS_SIMD_SUPPORT', false);
  }
  const backend = (variant === 'wasm-nosimd' ? 'wasm' : variant) as BackendRequest;
  const { tf, name: backendName, note } = await initBackend(backend);
  const name = variant === 'wasm-nosimd' ? 'wasm-nosimd' : backendName;
  const a = tf.randomUniform([M, K], 0, 1, 'float32', 1);
  const b = tf.randomUniform([K, N], -0.05, 0.05, 'float32', 2);
  const once = (): void => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  for (let i = 0; i < 5; i++) once(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) once();
  const secs = (performance.now() - t0) / 1000;
  const gflops = (2 * M * K * N * reps) / secs / 1e9;
  console.log(
    `${name.padEnd(11)} ${gflops.toFixed(2).padStart(7)} GFLOP/s  ${((secs / reps) * 1000).toFixed(2).padStart(8)} ms/matMul  (${reps} reps; ${note})`,
  );
}

const child = process.argv[2] === '--child';
if (child) {
  try {
    await measure(process.argv[3], Number(process.argv[4]));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
} else {
  const reps = Number(process.argv[2] ?? 50);
  console.log(`matMul [${M},${K}] x [${K},${N}], ${reps} timed reps after 5 warm-up reps, dataSync each`);
  const self = fileURLToPath(import.meta.url);
  for (const backend of ['tensorflow', 'wasm', 'wasm-nosimd', 'cpu']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', backend, String(reps)], {
      encoding: 'utf8',
    });
    const out = (r.stdout ?? '').trim();
    if (r.status === 0 && out) console.log(out);
    else console.log(`${backend.padEnd(11)} unavailable: ${(r.stderr ?? '').trim().split('\n').pop() || `exit ${r.status}`}`);
  }
}
