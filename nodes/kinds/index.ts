/** The node catalog: every kind the editor's palette, the compiler and the CLI know. */
import { KindRegistry } from '../core/registry.ts';
import type { AnyNodeKind } from '../core/kind.ts';
import { bengio2015Kinds } from './bengio2015.ts';
import { ebmKinds } from './ebm/index.ts';

export const allKinds: AnyNodeKind[] = [...bengio2015Kinds, ...ebmKinds];

export function createRegistry(): KindRegistry {
  return new KindRegistry(allKinds);
}
