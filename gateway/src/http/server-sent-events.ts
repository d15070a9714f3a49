import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { DeliverableEvent } from '../events/event-feed';

/** One Server-Sent Event; data is JSON, which holds no bare line break. */
export function serverSentEvent(event: DeliverableEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${event.json}\n\n`;
}

/**
 * Writes `chunk` to a client, and when the client's buffer is full waits until it drains: true
 * once the client may take more, false when it has gone (at once if it went before the wait).
 * The wait leaves no listener behind, however often a slow client makes the stream wait.
 */
export async function writeToClient(
  response: ServerResponse,
  chunk: string,
  gone: AbortSignal,
): Promise<boolean> {
  if (response.write(chunk)) {
    return !gone.aborted;
  }
  try {
    await once(response, 'drain', { signal: gone });
    return true;
  } catch {
    // Aborted because the client went, or the response failed: either way nobody reads on.
    return false;
  }
}
