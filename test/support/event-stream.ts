/** One Server-Sent Event as a client reads it. */
export interface ReceivedEvent {
  id: string;
  event: string;
  data: unknown;
}

export interface EventStream {
  /** Waits until `count` events have arrived in all, or fails after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  events: ReceivedEvent[];
  /** Comment lines (heartbeats) seen. */
  comments: number;
  /** Resolves when the server ends the stream or the connection breaks. */
  ended: Promise<void>;
  close(): void;
}

/**
 * Opens `GET url` as an event stream and parses it as the WHATWG spec says (fields per line,
 * events at a blank line), keeping every event; fails if the answer is not 200.
 */
export async function openEventStream(
  url: string,
  headers: Record<string, string>,
): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  if (response.status !== 200 || response.body === null) {
    throw new Error(`the stream answered ${response.status}: ${await response.text()}`);
  }
  const events: ReceivedEvent[] = [];
  const stream: EventStream = {
    events,
    comments: 0,
    ended: Promise.resolve(),
    async waitFor(count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`${events.length} of ${count} events arrived`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return events;
    },
    close() {
      abort.abort();
    },
  };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  stream.ended = (async () => {
    let buffer = '';
    let current: { id?: string; event?: string; data: string[] } = { data: [] };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          return;
        }
        buffer += value;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
          if (line === '') {
            if (current.data.length > 0) {
              events.push({
                id: current.id ?? '',
                event: current.event ?? 'message',
                data: JSON.parse(current.data.join('\n')) as unknown,
              });
            }
            current = { data: [] };
          } else if (line.startsWith(':')) {
            stream.comments += 1;
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') {
              current.data.push(text);
            } else if (field === 'id' || field === 'event') {
              current[field] = text;
            }
          }
        }
      }
    } catch {
      // aborted or broken: the stream has ended
    }
  })();
  return stream;
}
