import {
  type HeapHistogramCreated,
  HOST_API_PATHS,
  type HostSnapshot,
  type HostSnapshotCreated,
  JVM_API_PATHS,
  type JvmRequest,
  type JvmRequestResult,
  type JvmRequestsResponse,
  type ThreadDumpCreated,
} from '@osprey/model';

import type { DumpForm } from './dumpformat';

/** The backend answered with an error status (or not at all: status undefined). */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

/** The Osprey JVM API as the agent uses it (ingest token). Every call has its own timeout. */
export class BackendClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 15_000
  ) {}

  /** `text`: jcmd Thread.print output; `json`: the file jcmd Thread.dump_to_file -format=json wrote. */
  uploadThreadDump(service: string, instance: string, body: string, form: DumpForm): Promise<ThreadDumpCreated> {
    return this.call<ThreadDumpCreated>('POST', `${JVM_API_PATHS.threadDumps}?${query({ service, instance })}`, {
      // A merged text dump (Thread.print + dump_to_file) travels as JSON too.
      contentType: form === 'json' || body.startsWith('{') ? 'application/json' : 'text/plain; charset=utf-8',
      body,
    });
  }

  uploadHeapHistogram(service: string, instance: string, text: string): Promise<HeapHistogramCreated> {
    return this.call<HeapHistogramCreated>('POST', `${JVM_API_PATHS.heapHistograms}?${query({ service, instance })}`, {
      contentType: 'text/plain; charset=utf-8',
      body: text,
    });
  }

  uploadHostSnapshot(snapshot: HostSnapshot): Promise<HostSnapshotCreated> {
    return this.call<HostSnapshotCreated>('POST', HOST_API_PATHS.snapshots, {
      contentType: 'application/json',
      body: JSON.stringify(snapshot),
    });
  }

  async pendingRequests(service: string, instance: string): Promise<JvmRequest[]> {
    const path = `${JVM_API_PATHS.requests}?${query({ service, instance, status: 'pending' })}`;
    return (await this.call<JvmRequestsResponse>('GET', path)).requests;
  }

  /** Takes a pending request; 'taken' when another agent (or a timeout) got it first (409). */
  async claim(id: string): Promise<JvmRequest | 'taken'> {
    try {
      return await this.call<JvmRequest>('POST', `${JVM_API_PATHS.requests}/${encodeURIComponent(id)}/claim`);
    } catch (err) {
      if (err instanceof BackendError && err.status === 409) {
        return 'taken';
      }
      throw err;
    }
  }

  result(id: string, result: JvmRequestResult): Promise<JvmRequest> {
    return this.call<JvmRequest>('POST', `${JVM_API_PATHS.requests}/${encodeURIComponent(id)}/result`, {
      contentType: 'application/json',
      body: JSON.stringify(result),
    });
  }

  private async call<T>(method: string, path: string, send?: { contentType: string; body: string }): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (send) {
      headers['content-type'] = send.contentType;
    }
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: send?.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new BackendError(`${method} ${path}: backend unreachable (${why})`);
    }
    const text = await res.text();
    if (!res.ok) {
      throw new BackendError(`${method} ${path}: HTTP ${res.status} ${errorMessage(text)}`, res.status);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new BackendError(`${method} ${path}: HTTP ${res.status} but the answer is not JSON`, res.status);
    }
  }
}

function query(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

/** The backend's `{error, message}` body, or the start of whatever else came back. */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: string; message?: string };
    return [body.error, body.message].filter(Boolean).join(': ');
  } catch {
    return text.slice(0, 200);
  }
}
