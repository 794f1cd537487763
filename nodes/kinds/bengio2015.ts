/** The node kinds of Bengio et al. 2015 (one file per kind in ./b15/) and the generic outputs. */
import type { AnyNodeKind } from '../core/kind.ts';
import { b15Kinds } from './b15/exports.ts';

export const bengio2015Kinds: AnyNodeKind[] = b15Kinds;
