/** Runtime implementations of the energy-based and STDP node kinds, keyed by kind id. */
import type { OpTable } from '../op.ts';

export const ebmOps: OpTable = {};
