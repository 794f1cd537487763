import { createRequire } from 'node:module';

/** Whether package `pkg` is installed (resolves from the tests' folder), as the app's backend check finds it. */
export function resolves(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
