/**
 * The optional native TensorFlow.js packages (tfjs-node-gpu, tfjs-node) and whether each is installed: kept apart
 * from backend.ts, which loads tfjs, so that the app's main process can say which are missing without loading it.
 */
import { createRequire } from 'node:module';

export type NativeBackend = 'tensorflow-gpu' | 'tensorflow';

export const NATIVE: Record<NativeBackend, { pkg: string; hint: string }> = {
  'tensorflow-gpu': {
    pkg: '@tensorflow/tfjs-node-gpu',
    hint: 'it is optional and needs CUDA; install it with npm i @tensorflow/tfjs-node-gpu',
  },
  tensorflow: {
    pkg: '@tensorflow/tfjs-node',
    hint: 'it is optional; install it with npm i @tensorflow/tfjs-node',
  },
};

const require = createRequire(import.meta.url);

export function isInstalled(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * The native backends whose package is not installed (optional dependencies whose download failed or was skipped),
 * for the app's backend menu to mark; one that is installed may still fail to load, which only a run finds out.
 */
export function nativeNotInstalled(): NativeBackend[] {
  return (Object.keys(NATIVE) as NativeBackend[]).filter((b) => !isInstalled(NATIVE[b].pkg));
}
