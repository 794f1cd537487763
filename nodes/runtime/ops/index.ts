/** Every kind id mapped to the code that runs it. */
import type { OpTable } from '../op.ts';
import { bengio2015Ops } from '../bengio2015/ops.ts';
import { ebmOps } from '../ebm/ops.ts';

export const allOps: OpTable = { ...bengio2015Ops, ...ebmOps };
