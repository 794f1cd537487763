/**
 * The IPC boundary on the main side: one invoke channel for calls, checked for its sender (only
 * our window's top frame, loaded from our own URL) and validated by the shared dispatcher. Every
 * outcome is a CallResult value; nothing the renderer sends can throw here.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CALL_CHANNEL, EVENT_CHANNEL, type EventName, type EventPayload, type LabServiceImpl, type CallResult } from '../common/contract.ts';
import { checkEvent, createDispatcher } from '../common/dispatch.ts';

export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  service: LabServiceImpl;
  /** The URL our renderer is loaded from; calls from any other frame are refused. */
  appUrl: string;
  log?: (message: string) => void;
}

export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, appUrl: string): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  // Only the top frame of our own page.
  if (frame.parent) return false;
  return frame.url === appUrl || frame.url.split('#')[0] === appUrl;
}

export function registerIpc(deps: IpcDeps): () => void {
  const dispatch = createDispatcher(deps.service, (m, e) => deps.log?.(`${m} failed: ${e instanceof Error ? e.message : String(e)}`));
  deps.ipcMain.handle(CALL_CHANNEL, async (event: IpcMainInvokeEvent, method: unknown, request: unknown): Promise<CallResult> => {
    if (!isTrustedSender(event, deps.appUrl)) {
      deps.log?.(`refused a call from ${event.senderFrame?.url ?? 'an unknown frame'}`);
      return { ok: false, error: { code: 'forbidden', message: 'calls are accepted only from the app window' } };
    }
    return dispatch(method, request);
  });
  return () => deps.ipcMain.removeHandler(CALL_CHANNEL);
}

/** Sends an event to the window, validated first. */
export function sendEvent<E extends EventName>(wc: Pick<WebContents, 'send' | 'isDestroyed'> | null, name: E, payload: EventPayload<E>): void {
  if (!wc || wc.isDestroyed()) return;
  wc.send(EVENT_CHANNEL, name, checkEvent(name, payload));
}
