/**
 * The run panel's progress bar and ETA over a whole run. Plan steps take very different times: in a 25-epoch
 * EqProp run training is about 95 % of the wall time, while reading the data, building the network and saving take
 * seconds, so a bar giving every step the same width sat between 50 % and 60 % for all of training. Nothing tells
 * before a run how long each step will take, so a step is weighted by what it does: a trainer (a node with an
 * `epochs` parameter) by the epochs it will run, any other step as OTHER_STEP epochs (an evaluation, a sampler or a
 * save is short beside passes over the training data). A graph with no trainer keeps equal widths.
 */

/** What a step that trains no epochs counts for, in epochs of training. */
export const OTHER_STEP = 0.1;

/** A graph node as the weights need it (one node runs as one plan step). */
export interface WeighedNode {
  id: string;
  kind: string;
  params: Record<string, unknown>;
}

/**
 * Each node's expected share of the run, in epochs of training, keyed by node id. `epochs` is the run options'
 * (Quick run's or --epochs), which every trainer runs instead of its own; `defaultEpochs` gives a kind's default for
 * a node whose saved params leave it out (undefined for a kind without an `epochs` parameter).
 */
export function stepWeights(
  nodes: readonly WeighedNode[],
  epochs: number | undefined,
  defaultEpochs: (kind: string) => number | undefined,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of nodes) {
    const own = typeof n.params.epochs === 'number' ? n.params.epochs : defaultEpochs(n.kind);
    const e = own === undefined ? undefined : (epochs ?? own);
    // A trainer of 0 epochs still does something (its validation, its pictures): no less than any other step.
    out[n.id] = e === undefined ? OTHER_STEP : Math.max(OTHER_STEP, e);
  }
  return out;
}

/** The step going: its node, its place in the plan, and when it started (the engine's clock, ms). */
export interface CurrentStep {
  node: string;
  index: number;
  total: number;
  time: number;
}

/** The weights of the steps done, the current one and those to come; equal widths when the weights do not fit the plan. */
function shares(weights: Record<string, number> | null, done: readonly string[], step: CurrentStep): { done: number; current: number; rest: number } {
  const w = weights && Object.keys(weights).length === step.total ? weights : null;
  const current = w?.[step.node];
  if (!w || current === undefined || done.some((n) => w[n] === undefined)) return { done: step.index, current: 1, rest: step.total - step.index - 1 };
  const total = Object.values(w).reduce((a, b) => a + b, 0);
  const before = done.reduce((a, n) => a + w[n]!, 0);
  return { done: before, current, rest: Math.max(0, total - before - current) };
}

/**
 * The run's fraction done, 0..1: the weights of the steps done plus the current step's weight times the fraction it
 * reports (a step that reports none counts as not started until it ends). `done` are the nodes of the steps before
 * the current one.
 */
export function runFraction(weights: Record<string, number> | null, done: readonly string[], step: CurrentStep | null, inner: number): number {
  if (!step || !step.total) return 0;
  const s = shares(weights, done, step);
  const all = s.done + s.current + s.rest;
  return all > 0 ? Math.min(1, (s.done + s.current * Math.min(1, Math.max(0, inner))) / all) : 0;
}

/**
 * Seconds left in the run, consistent with the bar: the current step's own estimate (its reported ETA, or else its
 * time so far scaled by the fraction it reports), plus the steps to come at the same seconds per unit of weight as
 * the current step. Undefined until the current step reports how far it is.
 */
export function runEta(
  weights: Record<string, number> | null,
  done: readonly string[],
  step: CurrentStep | null,
  p: { time: number; fraction?: number; etaSeconds?: number } | null,
): number | undefined {
  if (!step || !p) return undefined;
  const elapsed = Math.max(0, (p.time - step.time) / 1000);
  const left = p.etaSeconds !== undefined && Number.isFinite(p.etaSeconds) ? p.etaSeconds : p.fraction ? (elapsed * (1 - p.fraction)) / p.fraction : undefined;
  if (left === undefined) return undefined;
  const s = shares(weights, done, step);
  return left + (s.rest * (elapsed + left)) / s.current;
}
