import { NotFoundError, isBusy, toStoreError, type Delivery, type EventRecord, type Store } from '../store/index.js';
import { DELIVERY_TIMEOUT_MS, deliver } from './deliver.js';

/** How often and how patiently the forwarder works; tests shrink these. */
export interface ForwardTiming {
  /** The wait after a first failed attempt; it doubles with each further failure of the same event… */
  retryBaseMs: number;
  /** …up to this. */
  retryCapMs: number;
  /** How often to look for events written by other processes (seed, the CLI) when nothing pokes. */
  pollMs: number;
  /** How long one delivery may take before it counts as failed. */
  timeoutMs: number;
  /** How long an event caused by a SCIM request waits for that request's log row (its requestId). */
  requestIdWaitMs: number;
}

const DEFAULT_FORWARD_TIMING: ForwardTiming = { retryBaseMs: 1000, retryCapMs: 60_000, pollMs: 250, timeoutMs: DELIVERY_TIMEOUT_MS, requestIdWaitMs: 2000 };

/** The request log is written every few milliseconds: how often to look for the row meanwhile. */
export const REQUEST_ID_POLL_MS = 10;
/** Events read from the database at once. */
const BATCH = 200;

/** One delivery attempt, as serve prints it. */
export interface ForwardAttempt {
  event: EventRecord;
  delivery: Delivery & { ok: boolean };
  /** 1 for the first attempt at this event, 2 for its first retry, … */
  attempt: number;
  /** After a failure: how long until the next attempt. */
  retryInMs: number | undefined;
}

export interface ForwarderOptions extends Partial<ForwardTiming> {
  store: Store;
  url: string;
  /** Only events of these directories are sent (serve --env/--directory); the others are passed over. */
  directoryIds?: readonly string[] | undefined;
  onAttempt?: ((attempt: ForwardAttempt) => void) | undefined;
  /** Hears of bookkeeping that failed for another reason than a held lock; forwarding carries on. */
  onError?: ((error: unknown) => void) | undefined;
}

interface Waker {
  done: () => void;
  pokeable: boolean;
}

/**
 * Delivers events to one URL, at least once and in event order, one at a time: a 2xx acknowledges
 * the event; anything else (a status, a refused connection, a timeout) is tried again after 1 s,
 * 2 s, 4 s … up to 60 s, and the events after it wait. Every attempt is recorded with the event.
 *
 * How far the URL has acknowledged is kept in the database, so a serve that is stopped, or killed,
 * and started again delivers everything not yet acknowledged, and nothing that was. A serve of every
 * directory moves the URL's position (webhook_cursors); a serve limited to some (--env/--directory)
 * moves only theirs (webhook_directory_cursors), so serves of different directories, one after the
 * other, each deliver their own and leave the others' for later. The position is saved right after
 * each acknowledgement: only an event whose acknowledgement was not yet saved when the process died
 * can arrive twice (receivers deduplicate on webhook-id).
 *
 * Nothing here waits synchronously: a slow or dead endpoint costs the SCIM server nothing. The
 * bookkeeping writes meet a held lock (another process's long write) with a BusyError when the
 * server fails fast on locks: they are kept and written on a later turn.
 */
export class Forwarder {
  private readonly timing: ForwardTiming;
  /** Every event of the served directories up to here is acknowledged (or passed over). */
  private cursor = 0;
  /** The cursor as the database has it. */
  private saved = 0;
  /** Events read, not yet acknowledged, oldest first. */
  private queue: EventRecord[] = [];
  private listedTo = 0;
  /** Directories acknowledged further than the listing's start, with how far: listing leaves those events out… */
  private afterSeqOf: Record<string, number> | undefined;
  /** …until it has passed this. */
  private skipUntil = 0;
  /** Attempts not yet recorded (the database was locked). */
  private unrecorded: { seq: number; delivery: Delivery }[] = [];
  private attempts = 0;
  /** The event whose requestId was already waited for (retries do not wait again). */
  private waitedFor = 0;
  /** Deleted environments already reported (their events cannot be signed and are passed over). */
  private readonly goneEnvironments = new Set<string>();
  private stopping = false;
  private readonly abandon = new AbortController();
  private waker: Waker | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: ForwarderOptions) {
    const d = DEFAULT_FORWARD_TIMING;
    this.timing = {
      retryBaseMs: options.retryBaseMs ?? d.retryBaseMs,
      retryCapMs: options.retryCapMs ?? d.retryCapMs,
      pollMs: options.pollMs ?? d.pollMs,
      timeoutMs: options.timeoutMs ?? d.timeoutMs,
      requestIdWaitMs: options.requestIdWaitMs ?? d.requestIdWaitMs,
    };
  }

  get url(): string {
    return this.options.url;
  }

  /**
   * Find where to start, then forward until stop(). A URL forwarded to for the first time starts
   * after the events that exist now, as `stripe listen` does: someone who starts forwarding wants to
   * see what happens next, not a replay of the database's history (`scimctl events resend` sends an
   * old event on purpose). A URL seen before resumes after the last event it acknowledged, for each
   * directory. This write waits for another process's lock, like serve's other start-up bookkeeping.
   */
  start(): void {
    const { store, url } = this.options;
    store.waitingOnLock(() => {
      if (!store.webhooks.knowsUrl(url)) store.webhooks.acknowledge(url, store.events.latestSeq(), new Date().toISOString());
      this.resumeFrom(store.webhooks.acknowledged(url), store.webhooks.acknowledgedByDirectory(url));
    });
    this.running = this.loop();
  }

  /**
   * An event of directory d is due when it is past both what the URL acknowledged (its start, or
   * a serve of every directory) and what it acknowledged of d (a serve limited to d). Listing starts
   * at the earliest such position among the directories sent; the events of those further on are
   * left out (by SQLite, not one by one here) until the listing has passed them.
   */
  private resumeFrom(all: number, byDirectory: ReadonlyMap<string, number>): void {
    const served = this.options.directoryIds;
    const ahead = [...byDirectory].filter(([id, seq]) => seq > all && (!served || served.includes(id)));
    const start = served?.length ? Math.min(...served.map((id) => Math.max(all, byDirectory.get(id) ?? 0))) : all;
    this.cursor = this.saved = this.listedTo = start;
    this.afterSeqOf = ahead.length ? Object.fromEntries(ahead) : undefined;
    this.skipUntil = Math.max(0, ...ahead.map(([, seq]) => seq));
  }

  /** Look for new events now (e.g. after a write request) rather than at the next poll. */
  poke(): void {
    if (this.waker?.pokeable) this.waker.done();
  }

  /**
   * Stop after the delivery in flight, which gets up to `deadlineMs` and is then abandoned (not
   * recorded; it is delivered again next time, as is everything not acknowledged). The last
   * bookkeeping waits for another process's lock.
   */
  async stop(deadlineMs: number): Promise<void> {
    this.stopping = true;
    this.waker?.done();
    if (this.running) {
      const timer = setTimeout(() => this.abandon.abort(), deadlineMs);
      await this.running;
      clearTimeout(timer);
    }
    this.options.store.waitingOnLock(() => this.save());
    if (this.unrecorded.length || this.cursor > this.saved) {
      this.report(new Error(`could not record the last webhook deliveries: the database stayed locked; unacknowledged events are delivered again next time`));
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        this.save();
        const head = this.next();
        if (!head) {
          await this.sleep(this.timing.pollMs, true);
          continue;
        }
        await this.attempt(await this.withRequestId(head));
      } catch (error) {
        // Only unexpected errors land here (deliver() never throws): report, breathe, go on.
        this.report(error);
        await this.sleep(this.timing.pollMs, false);
      }
    }
  }

  private async attempt(event: EventRecord): Promise<void> {
    if (this.stopping) return;
    const secret = this.secretFor(event);
    if (secret === null) {
      // Nothing can sign it any more; holding it would hold every later event back for good.
      if (!this.goneEnvironments.has(event.environmentId)) {
        this.goneEnvironments.add(event.environmentId);
        this.report(new Error(`environment ${event.environmentId} was deleted, and its signing secret with it: its undelivered events (from ${event.id}) cannot be signed and are passed over`));
      }
      this.passed(event);
      return;
    }
    if (secret === undefined) {
      await this.sleep(this.timing.pollMs, false);
      return;
    }
    const delivery = await deliver(this.options.url, event, secret, this.timing.timeoutMs, this.abandon.signal);
    if (this.abandon.signal.aborted) return;
    this.attempts++;
    this.unrecorded.push({ seq: event.seq, delivery });
    const attempt = this.attempts;
    const retryInMs = delivery.ok ? undefined : Math.min(this.timing.retryBaseMs * 2 ** (attempt - 1), this.timing.retryCapMs);
    if (delivery.ok) this.passed(event);
    this.save();
    try {
      this.options.onAttempt?.({ event, delivery, attempt, retryInMs });
    } catch (error) {
      this.report(error);
    }
    if (retryInMs !== undefined) await this.sleep(retryInMs, false);
  }

  /**
   * The event is done with: acknowledged, or passed over (its environment is gone). The cursor is
   * saved as the position of the served directories only: another serve of the same URL still
   * delivers the other directories' events.
   */
  private passed(event: EventRecord): void {
    this.queue.shift();
    this.cursor = event.seq;
    this.attempts = 0;
  }

  /**
   * The oldest event not yet acknowledged, read in batches of this serve's directories only, less
   * those already acknowledged for their directory (both skipped by SQLite, not one by one here);
   * undefined when there is none. Everything listed before an empty queue has been handled, so the
   * cursor moves over it.
   */
  private next(): EventRecord | undefined {
    if (this.queue.length === 0) {
      this.cursor = Math.max(this.cursor, this.listedTo);
      const events = this.options.store.events;
      const latest = events.latestSeq();
      if (latest <= this.listedTo) return undefined;
      const afterSeqOf = this.listedTo < this.skipUntil ? this.afterSeqOf : undefined;
      this.queue = events.list({ afterSeq: this.listedTo, upToSeq: latest, limit: BATCH, directoryIds: this.options.directoryIds, afterSeqOf });
      // A short batch went through everything up to `latest`.
      this.listedTo = this.queue.length === BATCH ? this.queue.at(-1)!.seq : latest;
      if (this.queue.length === 0) this.cursor = this.listedTo;
    }
    return this.queue[0];
  }

  /**
   * An event caused by a SCIM request carries that request's id (`req_…`) once its log row is
   * written, a few milliseconds after the response: give the row a moment (not an attempt) so the
   * app can match the event to the request. After requestIdWaitMs it goes without.
   */
  private async withRequestId(event: EventRecord): Promise<EventRecord> {
    if (!event.causedByRequest || event.requestId !== null || this.waitedFor === event.seq) return event;
    this.waitedFor = event.seq;
    const deadline = performance.now() + this.timing.requestIdWaitMs;
    // Read again first: the row is usually written by now (a batch read earlier holds a stale null).
    let current = this.options.store.events.get(event.seq) ?? event;
    while (current.requestId === null && performance.now() < deadline && !this.stopping) {
      await this.sleep(REQUEST_ID_POLL_MS, false);
      current = this.options.store.events.get(event.seq) ?? current;
    }
    if (this.queue[0]?.seq === event.seq) this.queue[0] = current;
    return current;
  }

  /**
   * The environment's secret, read each time so a rotation applies at once (made on first use);
   * undefined while the database is locked, null once the environment is deleted.
   */
  private secretFor(event: EventRecord): string | null | undefined {
    try {
      return this.options.store.webhooks.signingSecret(event.environmentId);
    } catch (error) {
      if (toStoreError(error, 'of this server') instanceof NotFoundError) return null;
      if (!isBusy(error)) this.report(error);
      return undefined;
    }
  }

  /**
   * Record the attempts and the acknowledged cursor (the URL's, or that of each served directory);
   * a held lock leaves them for the next turn.
   */
  private save(): void {
    const webhooks = this.options.store.webhooks;
    try {
      while (this.unrecorded.length) {
        const { seq, delivery } = this.unrecorded[0]!;
        try {
          webhooks.recordDelivery(seq, delivery);
        } catch (error) {
          if (isBusy(error)) throw error;
          this.report(error); // e.g. the event was trimmed meanwhile: the record is dropped, not retried forever
        }
        this.unrecorded.shift();
      }
      if (this.cursor > this.saved) {
        webhooks.acknowledge(this.options.url, this.cursor, new Date().toISOString(), this.options.directoryIds);
        this.saved = this.cursor;
      }
    } catch (error) {
      if (!isBusy(error)) this.report(error);
    }
  }

  private sleep(ms: number, pokeable: boolean): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.waker === waker) this.waker = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      const waker: Waker = { done, pokeable };
      this.waker = waker;
    });
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A failing reporter must not stop forwarding.
    }
  }
}
