/** Energy-based networks, Langevin dynamics, STDP-compatible rules and STDP simulations (Bengio et al. 2017). */
import type { AnyNodeKind } from '../../core/kind.ts';

export const ebmKinds: AnyNodeKind[] = [];
