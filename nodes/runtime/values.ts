/** Runtime values that own tensors implement Disposable so the engine can free them at the end of a run. */
export interface OwnsTensors {
  dispose(): void;
}

export function disposeValue(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) disposeValue(x);
    return;
  }
  if (v && typeof v === 'object' && 'dispose' in v && typeof (v as OwnsTensors).dispose === 'function') {
    (v as OwnsTensors).dispose();
  }
}
