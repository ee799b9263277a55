import { type Context, SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ActiveRequest, ActiveSnapshot } from '@osprey/model';

export interface ActiveRequestsOptions {
  /** Osprey's base URL, e.g. http://127.0.0.1:4318; snapshots go to `<url>/api/v1/active`. */
  url: string;
  /** An ingest token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** How often a snapshot is posted, ms (default 2000). */
  intervalMs?: number;
  /** Told when a post fails (the processor never throws into the app). */
  onError?: (err: unknown) => void;
}

const DEFAULT_INTERVAL_MS = 2_000;

/** hrtime [s, ns] → epoch ms. */
const hrToMs = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Keeps the entry spans (SERVER and CONSUMER) that have started and not ended, and posts a snapshot
 * of them per resource (service + instance) every `intervalMs`: OpenTelemetry exports a span only
 * when it ends, so spans alone never show a request that is still running. What it sees: every
 * entry span of the SDK it is registered with, with its current name or `http.route`, age and trace
 * id. What it cannot see: requests the instrumentation does not make spans of, and (with a
 * sampler dropping spans) unsampled requests, which never reach a processor.
 *
 * An instance that had requests keeps getting snapshots, empty ones included, so the equalizer
 * empties as its requests end; Osprey expires an instance whose snapshots stop.
 */
export class ActiveRequestsProcessor implements SpanProcessor {
  private readonly running = new Map<string, Span>();
  /** Every resource seen, by "service/instance": its snapshot is posted even when empty. */
  private readonly resources = new Map<string, { service: string; instance: string }>();
  private readonly timer: NodeJS.Timeout;
  private posting: Promise<void> = Promise.resolve();

  constructor(private readonly options: ActiveRequestsOptions) {
    this.timer = setInterval(() => void this.post(), options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
  }

  onStart(span: Span, _parentContext: Context): void {
    if (span.kind !== SpanKind.SERVER && span.kind !== SpanKind.CONSUMER) {
      return;
    }
    this.running.set(span.spanContext().spanId, span);
    const { service, instance } = resourceOf(span);
    this.resources.set(`${service}/${instance}`, { service, instance });
  }

  onEnd(span: ReadableSpan): void {
    this.running.delete(span.spanContext().spanId);
  }

  /** One snapshot per resource seen, of the requests running now. */
  snapshots(now = Date.now()): ActiveSnapshot[] {
    const byResource = new Map<string, ActiveSnapshot>();
    for (const [key, { service, instance }] of this.resources) {
      byResource.set(key, { service, instance, takenAt: now, requests: [] });
    }
    for (const span of this.running.values()) {
      const { service, instance } = resourceOf(span);
      const request: ActiveRequest = {
        endpoint: text(span.attributes['http.route'])
          ? `${text(span.attributes['http.request.method']) ?? ''} ${span.attributes['http.route']}`.trim()
          : span.name,
        elapsed: Math.max(0, now - hrToMs(span.startTime)),
        traceId: span.spanContext().traceId,
      };
      byResource.get(`${service}/${instance}`)?.requests.push(request);
    }
    return [...byResource.values()];
  }

  /** Posts the snapshots now; the next post waits for this one, so they arrive in order. */
  post(): Promise<void> {
    this.posting = this.posting.then(async () => {
      for (const snapshot of this.snapshots()) {
        try {
          const res = await fetch(`${this.options.url.replace(/\/$/, '')}/api/v1/active`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` },
            body: JSON.stringify(snapshot),
            signal: AbortSignal.timeout(5_000),
          });
          await res.arrayBuffer();
          if (!res.ok) {
            throw new Error(`POST /api/v1/active answered ${res.status}`);
          }
        } catch (err) {
          this.options.onError?.(err);
        }
      }
    });
    return this.posting;
  }

  forceFlush(): Promise<void> {
    return this.post();
  }

  /** Stops the timer and posts a last snapshot, empty of the requests that ended meanwhile. */
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.post();
  }
}

/** The instance as Osprey derives it from a resource: service.instance.id, host.name, k8s.pod.name. */
function resourceOf(span: Span | ReadableSpan): { service: string; instance: string } {
  const attributes = span.resource.attributes;
  return {
    service: text(attributes['service.name']) ?? 'unknown_service',
    instance:
      text(attributes['service.instance.id']) ??
      text(attributes['host.name']) ??
      text(attributes['k8s.pod.name']) ??
      'unknown',
  };
}
