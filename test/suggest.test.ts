import { describe, expect, it } from 'vitest';
import { didYouMean, nearestName } from '../nodes/core/suggest.ts';

describe('nearestName', () => {
  it('suggests a name a typo away, case ignored, and nothing for a name that is not near', () => {
    expect(nearestName('epsilonn', ['epsilon', 'sigma', 'steps'])).toBe('epsilon');
    expect(nearestName('Sigma', ['epsilon', 'sigma', 'steps'])).toBe('sigma');
    expect(nearestName('stesp', ['epsilon', 'sigma', 'steps'])).toBe('steps');
    // "lr" against "lrs": one edit.
    expect(nearestName('lr', ['lrs', 'epochs'])).toBe('lrs');
    expect(nearestName('momentum', ['epsilon', 'sigma', 'steps'])).toBeUndefined();
    expect(nearestName('x', [])).toBeUndefined();
  });
});

describe('didYouMean', () => {
  it('names the nearest name, else lists them all, else says there are none', () => {
    expect(didYouMean('epoch', ['epochs', 'batch_size'], 'parameters')).toBe('did you mean epochs?');
    expect(didYouMean('ghost', ['data', 'net'], 'nodes')).toBe('its nodes are data, net');
    expect(didYouMean('x', [], 'parameters')).toBe('it has no parameters');
  });
});
