/** The execution plan: JSON only, steps in execution order, each naming the node it came from. */
import type { JsonObject } from './json.ts';
import type { PortType } from './ports.ts';

export const PLAN_FORMAT = 'plasticity-plan';

export interface PlanStep {
  /** Same as the node id: one node compiles to one step. */
  node: string;
  kind: string;
  label?: string;
  /** Params after defaults, checks and migrations, plus what the compiler resolved. */
  params: JsonObject;
  /** Input name to "nodeId.port" (a list for inputs that take several wires). */
  inputs: Record<string, string | string[]>;
  outputs: Record<string, { type: PortType; info: JsonObject }>;
  /** A hash of kind, params and the signatures of its inputs: equal signatures compute equal values. */
  signature: string;
  /** For a loop scope: the steps of its body, in order; they run before the scope's own work. */
  body?: PlanStep[];
  scope?: { loop: string };
}

export interface Plan {
  format: typeof PLAN_FORMAT;
  version: 1;
  graph: string;
  seed: number;
  steps: PlanStep[];
}

/** All steps, body steps included, in execution order. */
export function flattenSteps(steps: readonly PlanStep[]): PlanStep[] {
  const out: PlanStep[] = [];
  for (const s of steps) {
    if (s.body) out.push(...flattenSteps(s.body));
    out.push(s);
  }
  return out;
}
