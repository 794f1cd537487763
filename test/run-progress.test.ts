// The run panel's progress bar and ETA (renderer/src/lib/progress.ts): steps weighted by their expected cost, so
// training, most of a run's time, is most of the bar.
import { describe, expect, it } from 'vitest';
import { OTHER_STEP, runEta, runFraction, stepWeights } from '../renderer/src/lib/progress.ts';

/** The EqProp example's ten nodes, in the order they run (the trainer's body before it). */
const eqprop = [
  { id: 'data', kind: 'data.mnist', params: {} },
  { id: 'net', kind: 'ebm.network', params: {} },
  { id: 'free', kind: 'ebm.langevin', params: {} },
  { id: 'nudge', kind: 'ebm.nudge', params: {} },
  { id: 'rule', kind: 'ebm.eqprop_rule', params: {} },
  { id: 'train', kind: 'ebm.eqprop_train', params: { epochs: 25 } },
  { id: 'test_dyn', kind: 'ebm.langevin', params: {} },
  { id: 'eval', kind: 'ebm.evaluate', params: {} },
  { id: 'save', kind: 'ebm.save', params: {} },
  { id: 'fields', kind: 'ebm.receptive_fields', params: {} },
];
const none = (): undefined => undefined;
const at = (node: string, time = 0) => ({ node, index: eqprop.findIndex((n) => n.id === node), total: eqprop.length, time });
const before = (node: string): string[] => eqprop.slice(0, eqprop.findIndex((n) => n.id === node)).map((n) => n.id);

describe('run progress', () => {
  it('weights a trainer by its epochs (the run options\' first, then its own, then its kind\'s default) and any other step as OTHER_STEP', () => {
    const w = stepWeights(eqprop, undefined, none);
    expect(w.train).toBe(25);
    expect(w.data).toBe(OTHER_STEP);
    expect(stepWeights(eqprop, 1, none).train).toBe(1);
    expect(stepWeights([{ id: 't', kind: 'train.local', params: {} }], undefined, (k) => (k === 'train.local' ? 20 : undefined)).t).toBe(20);
    expect(stepWeights([{ id: 't', kind: 'train.local', params: { epochs: 0 } }], undefined, none).t).toBe(OTHER_STEP);
  });

  it('moves the bar across most of its width while a 25-epoch EqProp run trains', () => {
    const w = stepWeights(eqprop, undefined, none);
    const start = runFraction(w, before('train'), at('train'), 0);
    const middle = runFraction(w, before('train'), at('train'), 0.5);
    const end = runFraction(w, before('train'), at('train'), 1);
    // Equal widths had training between 5/10 and 6/10 of the bar.
    expect(start).toBeLessThan(0.03);
    expect(middle).toBeCloseTo(0.5, 1);
    expect(end).toBeGreaterThan(0.97);
    // Steps after training carry on from there; a step reporting nothing counts once it is over.
    expect(runFraction(w, before('eval'), at('eval'), 0)).toBeCloseTo(end + OTHER_STEP / (25 + 9 * OTHER_STEP), 6);
    expect(runFraction(w, before('fields'), at('fields'), 1)).toBe(1);
  });

  it('falls back to equal widths while the graph is unknown or does not match the plan', () => {
    expect(runFraction(null, before('train'), at('train'), 0.5)).toBeCloseTo(0.55, 6);
    const w = stepWeights(eqprop.slice(0, 9), undefined, none);
    expect(runFraction(w, before('train'), at('train'), 0.5)).toBeCloseTo(0.55, 6);
    expect(runFraction(null, [], null, 0)).toBe(0);
  });

  it('gives an ETA for the whole run at the current step\'s pace', () => {
    const w = stepWeights(eqprop, undefined, none);
    // 100 s into training, 900 s left by the trainer's own estimate: the four steps after it (0.4 epochs) add 1000 s × 0.4 / 25.
    const eta = runEta(w, before('train'), at('train', 5_000), { time: 105_000, fraction: 0.1, etaSeconds: 900 });
    expect(eta).toBeCloseTo(900 + (1000 * 0.4) / 25, 6);
    // Without the step's own estimate, its time so far scaled by its fraction.
    expect(runEta(w, before('eval'), at('eval', 0), { time: 10_000, fraction: 0.5 })).toBeCloseTo(10 + (20 * 0.2) / 0.1, 6);
    // Nothing to go by yet.
    expect(runEta(w, before('data'), at('data'), { time: 0 })).toBeUndefined();
    expect(runEta(w, [], at('data'), null)).toBeUndefined();
  });
});
