import { defineKind, sourceNode } from '../../core/kind.ts';
import { choice, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { MaskCorruption } from './corrupt-mask.ts';
import type { CorruptionInfo } from './layer-info.ts';

export const Inpaint = 'eval.inpaint';

export const inpaintKind = defineKind({
  kind: Inpaint,
  version: 1,
  title: 'In-painting',
  category: 'evaluation',
  limits: ['testLimit'],
  doc: 'Hides pixels with the wired mask, then runs `rounds` inference loops in which visible pixels are clamped and missing ones are taken from g1(h1) (bottom-up term f1(x_visible + g1_missing(h1)) - f1(g1(h1))); after each round the missing pixels are set from g1(h1). With start carry (the default) each round starts from the hidden states the previous one ended with (the first from a feedforward pass), so the rounds are one long clamped inference whose missing pixels are refreshed every round; with start feedforward each round is a fresh call of INFERENCE, which begins with a feedforward pass of the refilled image, as the paper\'s "20 iterations steps of encode/decode … with a call to INFERENCE for each step" reads literally. Reports the MSE on the missing pixels before and after, and a picture with original, masked and filled rows.',
  equation: 'Bengio et al. 2015, Sec. 5, Fig. 5',
  keywords: ['inpainting'],
  inputs: { model: port('model'), inference: port('inference'), data: port('dataset'), mask: port('corruption') },
  outputs: {
    before: port('metric', { doc: 'Mean squared error per hidden pixel of the masked digits, before in-painting (pixels in 0-1).' }),
    after: port('metric', { doc: 'Mean squared error per hidden pixel after in-painting: lower than before when inference fills the hidden pixels in.' }),
    image: port('image', { doc: 'One column per test digit; rows: the original, the masked digit (the hidden pixels as noise or 0), and the in-painted digit.' }),
  },
  params: {
    rounds: int(20, { min: 0, max: 10000, doc: 'Rounds of clamped inference.' }),
    count: int(1000, { min: 1, doc: 'Test digits in-painted (the CLI --test-limit caps it).' }),
    show: int(10, { min: 1, max: 100, doc: 'Digits in the picture.' }),
    start: choice(['carry', 'feedforward'] as const, 'carry', { doc: 'Where each round after the first starts: carry, the hidden states the last round ended with; feedforward, a feedforward pass of the image as refilled (a fresh INFERENCE per round).' }),
  },
  compile: (ctx, inputs) => {
    const m = inputs.mask;
    const mask = m && !Array.isArray(m) ? { node: sourceNode(m), info: m.info as CorruptionInfo } : undefined;
    if (mask && mask.info.kind !== MaskCorruption) {
      ctx.error(`the mask must come from a Pixel mask node; ${mask.node} is not one`, 'mask');
      return null;
    }
    if (mask?.info.hidden === 0) {
      ctx.error(`the mask ${mask.node} hides no pixel (its fraction is too small): nothing to in-paint`, 'mask');
      return null;
    }
    return { outputs: { before: {}, after: {}, image: {} } };
  },
});
