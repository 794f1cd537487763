// A number parameter whose 0 means something else than the number (a module's learning rate 0: the trainer's; a
// limit 0: all; fields 0: off) says so on the node's card and in the reference, not "lr 0", which reads as "not learning".
import { describe, expect, it } from 'vitest';
import { paramRange } from '../nodes/core/reference.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import { LabNode, paramSummary } from '../renderer/src/editor/model.ts';

const registry = createRegistry();
const card = (kind: string, params: Record<string, number> = {}): string => paramSummary(new LabNode('n', registry.get(kind)!, params));

describe('what 0 means', () => {
  it('on the card: a decoder\'s lr 0 is the trainer\'s; a set rate is its number', () => {
    expect(card('layers.decoder')).toBe("sigmoid · initGain 1 · lr trainer's");
    expect(card('layers.decoder', { lr: 0.001 })).toBe('sigmoid · initGain 1 · lr 0.001');
    expect(card('data.mnist')).toBe('validCount 10000 · trainLimit all · testLimit all');
    expect(card('data.mnist', { validCount: 0, trainLimit: 2000 })).toBe('validCount none · trainLimit 2000 · testLimit all');
  });

  it('in the reference and the inspector\'s range', () => {
    expect(paramRange(registry.get('layers.decoder')!.params.lr!)).toBe("0 … 10, 0: trainer's");
    expect(paramRange(registry.get('train.local')!.params.fields!)).toBe('0 … 10000, 0: off');
  });
});
