import { CliError, usageError } from '../core/errors.js';
import { parseHttpUrl } from '../core/urls.js';
import { escapeControls } from './text.js';

/** The one hint after every usage error: commander's own and ours. */
export const USAGE_HINT = 'Run with --help for usage';

/** A flag that takes a whole number of at least 1, e.g. --limit. */
export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw usageError(`invalid ${flag} "${value}": give a whole number of at least 1`);
  return n;
}

/** A whole number within bounds, for a count flag such as --log-max-rows or trigger's --count. */
export function parseCount(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw usageError(`invalid ${flag} "${escapeControls(value)}": give a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`);
  return n;
}

/**
 * A number of seconds (decimals allowed) up to `max`, e.g. --shutdown-timeout: from 0, or with
 * `aboveZero` more than 0 (a wait that must last some time, e.g. test's --timeout).
 */
export function parseSeconds(flag: string, value: string, max: number, { aboveZero = false, hint }: { aboveZero?: boolean; hint?: string } = {}): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || seconds > max || (aboveZero && !(seconds > 0))) {
    const range = aboveZero ? `give seconds, more than 0 and at most ${max}` : `give a number of seconds from 0 to ${max}`;
    throw usageError(`invalid ${flag} "${escapeControls(value)}": ${range}`, hint);
  }
  return seconds;
}

/** A list's --limit: a whole number, or 0 for no limit (every row). */
export function parseListLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw usageError(`invalid --limit "${value}": give a whole number (0 for no limit)`);
  return n === 0 ? Number.MAX_SAFE_INTEGER : n;
}

/**
 * An http(s) URL to send webhooks to (--forward-to, events resend --to). One with a user name or
 * password is refused without echoing it: fetch cannot send it, and every failed attempt would log it.
 */
export function parseWebhookUrl(value: string, flag: string): string {
  const parsed = parseHttpUrl(value);
  if (parsed?.credentials) {
    throw usageError(`invalid ${flag}: a URL with a user name or password is not supported`, 'Give the URL without credentials; verify deliveries by their signature instead');
  }
  if (!parsed?.http) {
    throw usageError(`invalid ${flag} "${value}": give an http or https URL, such as http://localhost:3000/webhooks`);
  }
  return parsed.url.href;
}

/**
 * A flag's value checked by a shared parser (a URL, a domain): its complaint becomes a usage error
 * (exit 2) naming the flag, worded like every other bad flag value: invalid --flag "value": why.
 */
export function flagValue<T>(flag: string, value: string, parse: (value: string) => T): T {
  try {
    return parse(value);
  } catch (error) {
    if (!(error instanceof CliError) || error.kind !== 'invalid') throw error;
    const reason = error.message.replace(/^invalid [^"]*"[^"]*"(: )?/, '');
    throw usageError(`invalid ${flag} "${value}"${reason ? `: ${reason}` : ''}`, error.hint);
  }
}
