/**
 * Builds the typed client (the service's methods plus its on… events) over any transport that can
 * send a call and deliver events. The preload uses it over Electron IPC, the browser over a
 * WebSocket; the renderer only ever sees the resulting `LabClient`.
 *
 * Imports only names.ts (no zod) so the sandboxed preload bundle stays small.
 */
import type { CallResult, LabClient, Unsubscribe } from './contract.ts';
import { EVENT_NAMES, METHOD_NAMES, type EventName, type MethodName } from './names.ts';

export interface Transport {
  call(method: MethodName, request: unknown): Promise<CallResult>;
  /** Delivers every event; returns a function that stops delivery. */
  listen(listener: (name: EventName, payload: unknown) => void): Unsubscribe;
}

export class CallFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function createClient(transport: Transport): LabClient {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let stopListening: Unsubscribe | null = null;
  const ensureListening = (): void => {
    if (stopListening) return;
    stopListening = transport.listen((name, payload) => {
      for (const l of listeners.get(name) ?? []) {
        try {
          l(payload);
        } catch (e) {
          console.error(`listener for ${name} failed`, e);
        }
      }
    });
  };
  const client: Record<string, unknown> = {};
  for (const m of METHOD_NAMES) {
    client[m] = async (request: unknown) => {
      const r = await transport.call(m, request ?? {});
      if (r.ok) return r.value;
      throw new CallFailed(r.error.code, r.error.message);
    };
  }
  for (const e of EVENT_NAMES) {
    client[e] = (listener: (payload: unknown) => void): Unsubscribe => {
      ensureListening();
      const set = listeners.get(e) ?? new Set();
      set.add(listener);
      listeners.set(e, set);
      return () => set.delete(listener);
    };
  }
  return client as unknown as LabClient;
}

/**
 * The preload's client as the page should call it: every request copied to plain JSON first. Electron's
 * contextBridge copies arguments across worlds and refuses a Proxy ("An object could not be cloned"), and a
 * Svelte `$state` object (a run's graph, say) is one. The WebSocket transport sends JSON anyway, so the two modes
 * then see the same requests.
 */
export function withPlainRequests(client: LabClient): LabClient {
  const plain: Record<string, unknown> = {};
  for (const e of EVENT_NAMES) plain[e] = client[e];
  for (const m of METHOD_NAMES) {
    const call = client[m] as (request: unknown) => Promise<unknown>;
    plain[m] = (request: unknown) => call(request === undefined ? request : JSON.parse(JSON.stringify(request)));
  }
  return plain as unknown as LabClient;
}
