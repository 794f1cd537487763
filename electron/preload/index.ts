/**
 * The preload: exposes exactly the LabClient surface (the contract's methods and on… events) as
 * `window.plasticity`, over one invoke channel and one event channel. No ipcRenderer, no Node.
 * Bundled to one CommonJS file because sandboxed preloads cannot import modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createClient, type Transport } from '../common/client.ts';
import { CALL_CHANNEL, EVENT_CHANNEL, isEventName, isMethodName } from '../common/names.ts';
import type { CallResult } from '../common/contract.ts';

export const ipcTransport: Transport = {
  async call(method, request) {
    if (!isMethodName(method)) return { ok: false, error: { code: 'unknown_method', message: `unknown method ${String(method)}` } };
    return (await ipcRenderer.invoke(CALL_CHANNEL, method, request)) as CallResult;
  },
  listen(listener) {
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (isEventName(name)) listener(name, payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

export const api = createClient(ipcTransport);
contextBridge.exposeInMainWorld('plasticity', api);
