import type { NextFunction, Response } from 'express';
import { isBusy, type Store } from '../store/index.js';

const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 100;

/**
 * Run a handler without letting another process's write lock stall the server. A synchronous
 * store's own lock wait would sleep on the event loop, so every other request would stop with it;
 * here the store fails fast (failFastOnLock) and the handler is tried again on a timer for as long
 * as the store's lock wait (5 s), then the busy error goes on to `next` (503). A handler that
 * `writes` is retried only while its attempt has written nothing (the store's changesSoFar() is
 * unchanged) and sent nothing, so no write lands twice.
 */
export function runWaitingForLock(store: Store, writes: boolean, handler: () => void | Promise<void>, res: Response, next: NextFunction): void {
  const deadline = performance.now() + store.busyTimeoutMs();
  let delay = FIRST_RETRY_MS;
  const attempt = () => {
    const changesBefore = writes ? store.changesSoFar() : 0;
    try {
      // An answer that waits for the store's worker only reads: its failure goes straight to the error handler.
      handler()?.catch(next);
    } catch (error) {
      const retryable = isBusy(error) && !res.headersSent && (!writes || store.changesSoFar() === changesBefore);
      const remaining = deadline - performance.now();
      if (retryable && remaining > 0) {
        // The last retry lands on the deadline, so a lock freed just in time is still caught.
        setTimeout(attempt, Math.min(delay, remaining));
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      } else {
        next(error);
      }
    }
  };
  attempt();
}
