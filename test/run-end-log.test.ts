// The Log tab's closing line of a run (renderer/src/lib/run-end.ts, added by RunRecord on the end event): how the run
// ended — done and in how long, stopped and where it had got to, or the error and the node it came from.
import { describe, expect, it } from 'vitest';
import { endLogLine, type RunPlace } from '../renderer/src/lib/run-end.ts';

const nowhere: RunPlace = { step: null, progress: null };
const training: RunPlace = {
  step: { title: 'train', node: 'train', index: 5, total: 10 },
  progress: { type: 'progress', time: 1, node: 'train', phase: 'train', epoch: 3, epochs: 25, batch: 120, batches: 600, fraction: 0.1 },
};

describe('the run log\'s closing line', () => {
  it('says a run is done, with its wall time', () => {
    expect(endLogLine({ type: 'end', time: 9, status: 'done', wallSeconds: 12.34 }, training)).toEqual({ time: 9, level: 'info', message: 'done in 12.3 s' });
  });

  it('says where a stopped run got to (node, step, epoch and batch), as a warning', () => {
    expect(endLogLine({ type: 'end', time: 9, status: 'stopped', wallSeconds: 4.06, node: 'train' }, training)).toEqual({
      time: 9,
      level: 'warn',
      message: 'stopped after 4.1 s in train (step 6/10), train epoch 3/25, batch 120/600',
    });
    // A labelled node: its label too. A step with no progress report yet: the step only.
    const labelled: RunPlace = { step: { title: 'EqProp training', node: 'train', index: 5, total: 10 }, progress: null };
    expect(endLogLine({ type: 'end', time: 9, status: 'stopped', wallSeconds: 1, node: 'train' }, labelled).message).toBe('stopped after 1.0 s in train "EqProp training" (step 6/10)');
    // Stopped before any step ran.
    expect(endLogLine({ type: 'end', time: 9, status: 'stopped', wallSeconds: 0.2 }, nowhere)).toEqual({ time: 9, level: 'warn', message: 'stopped after 0.2 s' });
  });

  it('gives a failed run\'s error and the node it came from, as an error', () => {
    expect(endLogLine({ type: 'end', time: 9, status: 'error', wallSeconds: 2, node: 'train', error: 'NaN in the weights' }, training)).toEqual({
      time: 9,
      level: 'error',
      message: 'error in train (step 6/10): NaN in the weights',
    });
    expect(endLogLine({ type: 'end', time: 9, status: 'error', wallSeconds: 2, node: 'eval', error: 'no test set' }, training).message).toBe('error in eval: no test set');
    expect(endLogLine({ type: 'end', time: 9, status: 'error', wallSeconds: 0, error: 'bad graph' }, nowhere)).toEqual({ time: 9, level: 'error', message: 'error: bad graph' });
  });
});
