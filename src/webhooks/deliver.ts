import type { Delivery, EventRecord } from '../store/index.js';
import { eventJson } from './payload.js';
import { signatureHeaders } from './signature.js';

/** How long one delivery may take before it counts as failed (and is tried again). */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How much of an answer is kept with the attempt. */
const RESPONSE_PREFIX = 512;

/**
 * POST one event to `url`, signed with the environment's secret. Never throws: the outcome (a
 * status, or the network error, or the timeout) comes back as the Delivery to record. A 2xx is an
 * acknowledgement; anything else is a failure.
 */
export async function deliver(
  url: string,
  event: EventRecord,
  secret: string,
  timeoutMs = DELIVERY_TIMEOUT_MS,
  /** Abandons the delivery (e.g. at shutdown); the outcome's error then says so. */
  abandon?: AbortSignal,
): Promise<Delivery & { ok: boolean }> {
  const body = eventJson(event);
  const started = performance.now();
  const time = new Date().toISOString();
  const base = { time, url };
  // One controller for the timeout and the abandon signal, with a plain timer that is always cleared
  // (a timeout signal combined with AbortSignal.any() could be collected before it fired).
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onAbandon = () => controller.abort();
  abandon?.addEventListener('abort', onAbandon, { once: true });
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'scimctl-webhooks', ...signatureHeaders(secret, event.id, Math.floor(Date.now() / 1000), body) },
      body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const text = (await response.text()).slice(0, RESPONSE_PREFIX);
    const durationMs = performance.now() - started;
    return { ...base, ok: response.status >= 200 && response.status < 300, status: response.status, durationMs, error: null, response: text || null };
  } catch (error) {
    const durationMs = performance.now() - started;
    const reason = abandon?.aborted ? 'abandoned' : controller.signal.aborted ? `timed out after ${timeoutMs / 1000} s` : describe(error);
    return { ...base, ok: false, status: null, durationMs, error: reason, response: null };
  } finally {
    clearTimeout(timer);
    abandon?.removeEventListener('abort', onAbandon);
  }
}

/** A network failure in a few words: "connection refused", "host not found", … (abandon and timeout are told apart before). */
function describe(error: unknown): string {
  const e = error as { cause?: { code?: string; message?: string }; message?: string };
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  return e.cause?.message ?? e.message ?? String(error);
}
