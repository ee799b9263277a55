import { performance } from 'node:perf_hooks';

export interface SendResult {
  items: number;
  seconds: number;
  failures: string[];
}

/**
 * `senders` concurrent loops, each taking the next payload until none are left or the time is up.
 * Only payloads answered with success count.
 */
export async function sendAll<T>(
  senders: number,
  seconds: number,
  payloads: T[],
  size: (payload: T) => number,
  send: (payload: T) => Promise<void>
): Promise<SendResult> {
  let next = 0;
  let items = 0;
  const failures: string[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (next < payloads.length && performance.now() < deadline) {
      const payload = payloads[next++];
      try {
        await send(payload);
        items += size(payload);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: senders }, loop));
  return { items, seconds: (performance.now() - started) / 1000, failures };
}
