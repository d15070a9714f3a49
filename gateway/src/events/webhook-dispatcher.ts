import { createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DeliverableEvent, EventFeed } from './event-feed';
import type { ReplayingLetter, WebhookDelivery } from './webhook-store';

export interface RetryPolicy {
  /** The first retry's delay; each further one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts at one event before it becomes a dead letter. */
  maxAttempts: number;
  /** One attempt's limit, connection to answer. */
  timeoutMs: number;
}

/** When no event is waiting, a subscription looks again after this long at most. */
const IDLE_WAIT_MS = 5_000;
/** Events read ahead per subscription: one read of the log per this many deliveries. */
const READ_AHEAD = 100;

/**
 * The delay before attempt `attempts + 1`: exponential, capped, with "equal jitter" (half fixed,
 * half random) so that receivers coming back are not hit by every gateway at the same instant,
 * yet no retry comes sooner than half its step.
 */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * The Standard Webhooks headers for one message: its id, the time in seconds, and `v1,` with the
 * base64 HMAC-SHA256 of `id.timestamp.body` under the secret's key (base64 after `whsec_`).
 */
export function signedHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key)
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
}

/**
 * Delivers each subscription's events, one at a time and in ledger order, to its URL: a 2xx
 * answer moves its cursor on; anything else is retried with backoff until the policy's attempts
 * are spent, and then kept as a dead letter while the next event goes. Replayed dead letters go
 * before the next new event. All state is in the store, so a restart resumes mid-retry.
 */
export class WebhookDispatcher {
  private readonly loops = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  /** Connections kept open between deliveries: a receiver gets one event after another. */
  private readonly agents = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  };

  constructor(
    private readonly feed: EventFeed,
    private readonly policy: RetryPolicy,
    private readonly logger: Logger,
    private readonly onDelivered: (event: DeliverableEvent) => void = () => undefined,
  ) {}

  /** Starts delivering every stored subscription. */
  start(): void {
    for (const webhook of this.feed.webhooks.all()) {
      this.deliver(webhook.id);
    }
  }

  /** Starts delivering to a subscription (a new one, or one with dead letters to replay). */
  deliver(id: string): void {
    if (this.loops.has(id) || this.stopping.signal.aborted) {
      return;
    }
    const loop = this.run(id).finally(() => this.loops.delete(id));
    this.loops.set(id, loop);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    // Ends attempts in flight too: their sockets close.
    this.agents.http.destroy();
    this.agents.https.destroy();
    await Promise.all(this.loops.values());
  }

  private async run(id: string): Promise<void> {
    const { signal } = this.stopping;
    // The events after the cursor, read ahead; only this loop moves the cursor.
    let ahead: DeliverableEvent[] = [];
    let changesSeen = this.feed.changesSoFar();
    while (!signal.aborted) {
      // Read each time: the subscription may be gone, or its dead letters replayed meanwhile.
      const webhook = this.feed.webhooks.delivery(id);
      if (webhook === undefined) {
        return;
      }
      let next: Awaited<ReturnType<typeof this.nextEvent>>;
      try {
        if (ahead.length === 0) {
          changesSeen = this.feed.changesSoFar();
          ahead = await this.feed.eventsAfter(
            webhook.topic,
            webhook.deliveredThrough,
            webhook.filter,
            webhook.reader,
            READ_AHEAD,
          );
        }
        next = await this.nextEvent(webhook, ahead[0]);
      } catch {
        // Older events' blocks could not be read (the feed logged why): the cursor stays.
        await sleep(IDLE_WAIT_MS, undefined, { signal }).catch(() => undefined);
        continue;
      }
      if (next === undefined) {
        await this.feed.changed(IDLE_WAIT_MS, signal, changesSeen);
        continue;
      }
      // A replayed letter keeps its own retries; the webhook's are those of its cursor's event.
      const wait = (next.replay ?? webhook).nextAttemptAt - Date.now();
      if (wait > 0) {
        await sleep(wait, undefined, { signal }).catch(() => undefined);
        continue;
      }
      const failure = await this.attempt(webhook, next.event);
      if (this.isStopping()) {
        return;
      }
      if (this.settle(webhook, next, failure) && next.replay === undefined) {
        ahead.shift();
      }
    }
  }

  /** Read through a method: the loop's own awaits are where `stop()` can change it. */
  private isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  /** A replayed dead letter first, else `following`, the next event after the cursor. */
  private async nextEvent(
    webhook: WebhookDelivery,
    following: DeliverableEvent | undefined,
  ): Promise<{ event: DeliverableEvent; replay: ReplayingLetter | undefined } | undefined> {
    const replay = this.feed.webhooks.nextReplay(webhook.id);
    if (replay !== undefined) {
      const event = await this.feed.eventAt(webhook.topic, replay.eventId, webhook.reader);
      if (event === undefined) {
        // No longer readable by its owner: nothing to send.
        this.feed.webhooks.replayed(webhook.id, replay.eventId);
        return this.nextEvent(webhook, following);
      }
      return { event, replay };
    }
    return following === undefined ? undefined : { event: following, replay: undefined };
  }

  /** One POST; undefined when the receiver took it, else why not. */
  private async attempt(
    webhook: WebhookDelivery,
    event: DeliverableEvent,
  ): Promise<string | undefined> {
    // The event's JSON goes in as it is: nothing is parsed to be sent on.
    const body = `{"type":${JSON.stringify(event.type)},"timestamp":"${new Date().toISOString()}","data":${event.json}}`;
    const headers = signedHeaders(webhook.secret, event.id, Math.floor(Date.now() / 1000), body);
    try {
      const status = await this.post(new URL(webhook.url), headers, body);
      return status >= 200 && status < 300 ? undefined : `the receiver answered ${status}`;
    } catch (error) {
      return `the receiver could not be reached: ${(error as Error).message}`;
    }
  }

  /**
   * A POST and its answer's status, within the policy's timeout. node:http rather than fetch:
   * a delivery costs a fraction of the CPU, which counts at thousands of events a second; and
   * a redirect is an answer like any other, never followed.
   */
  private post(url: URL, headers: OutgoingHttpHeaders, body: string): Promise<number> {
    const secure = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const outgoing = (secure ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      });
      const timer = setTimeout(() => {
        outgoing.destroy(new Error(`no answer within ${this.policy.timeoutMs} ms`));
      }, this.policy.timeoutMs);
      outgoing.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      outgoing.once('response', (incoming) => {
        incoming.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        incoming.resume();
        incoming.once('end', () => {
          clearTimeout(timer);
          resolve(incoming.statusCode ?? 0);
        });
      });
      outgoing.end(body);
    });
  }

  /** Records the attempt's outcome; says whether the event is done with (sent or set aside). */
  private settle(
    webhook: WebhookDelivery,
    { event, replay }: { event: DeliverableEvent; replay: ReplayingLetter | undefined },
    failure: string | undefined,
  ): boolean {
    const store = this.feed.webhooks;
    if (failure === undefined) {
      if (replay === undefined) {
        store.delivered(webhook.id, event.id);
      } else {
        store.replayed(webhook.id, event.id);
      }
      this.onDelivered(event);
      return true;
    }
    const attempts = (replay ?? webhook).attempts + 1;
    if (attempts < this.policy.maxAttempts) {
      const nextAttemptAt = Date.now() + retryDelayMs(attempts, this.policy);
      if (replay === undefined) {
        store.failed(webhook.id, attempts, nextAttemptAt, failure);
      } else {
        store.replayFailed(webhook.id, event.id, attempts, nextAttemptAt, failure);
      }
      return false;
    }
    this.logger.warn(
      { webhook: webhook.id, event: event.id, attempts },
      'a webhook event exhausted its attempts and waits as a dead letter',
    );
    store.deadLettered(webhook.id, event.id, attempts, failure, replay !== undefined);
    return true;
  }
}
