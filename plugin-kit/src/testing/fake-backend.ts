/**
 * A BackendSrv for datasource tests: answers as the Osprey backend does behind Grafana's data proxy
 * (JSON bodies, Arrow IPC bytes for the XLOG window, a failed status as Grafana's FetchError with
 * the backend's JSON body, read as bytes when bytes were asked for) and records every request.
 */
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { ARROW_STREAM_MEDIA_TYPE } from '@osprey/model';
import { Observable } from 'rxjs';

export interface RecordedRequest {
  method: string;
  /** Below the datasource's proxy URL, as the backend sees it. */
  path: string;
  params: Record<string, string>;
  headers: Record<string, string>;
  data?: unknown;
}

/** The backend's answer: a JSON body, the window's Arrow bytes, or a failed status with its body. */
export type BackendAnswer = { json: unknown } | { arrow: Uint8Array } | { status: number; json: unknown };

type Answer = BackendAnswer | ((request: RecordedRequest) => BackendAnswer);

const bytesOf = (json: unknown) => new TextEncoder().encode(JSON.stringify(json)).buffer as ArrayBuffer;

export class FakeBackend {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Answer>();

  /** @param baseUrl what the datasource's requests start with (its proxy URL and route path) */
  constructor(private readonly baseUrl: string) {}

  /** Answers `method path` from now on; unknown routes get the backend's 404. */
  on(path: string, answer: Answer, method = 'GET'): this {
    this.routes.set(`${method} ${path}`, answer);
    return this;
  }

  /** The paths asked for, in order. */
  paths(): string[] {
    return this.requests.map((r) => r.path);
  }

  get backendSrv(): BackendSrv {
    return { fetch: <T>(options: BackendSrvRequest) => this.fetch<T>(options) } as unknown as BackendSrv;
  }

  private fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    if (!options.url.startsWith(this.baseUrl)) {
      throw new Error(`${options.url} is not below ${this.baseUrl}`);
    }
    const request: RecordedRequest = {
      method: options.method ?? 'GET',
      path: options.url.slice(this.baseUrl.length),
      params: { ...(options.params as Record<string, string> | undefined) },
      headers: { ...(options.headers as Record<string, string> | undefined) },
      ...(options.data !== undefined ? { data: options.data } : {}),
    };
    this.requests.push(request);
    const route = this.routes.get(`${request.method} ${request.path}`);
    const answer: BackendAnswer =
      typeof route === 'function'
        ? route(request)
        : (route ?? {
            status: 404,
            json: { error: 'Not Found', message: `Route ${request.method}:${request.path} not found` },
          });
    const asBytes = options.responseType === 'arraybuffer';
    return new Observable<FetchResponse<T>>((subscriber) => {
      if ('status' in answer) {
        const error: FetchError = {
          status: answer.status,
          statusText: 'error',
          data: asBytes ? bytesOf(answer.json) : answer.json,
          config: options,
        };
        subscriber.error(error);
        return;
      }
      const arrow = 'arrow' in answer;
      const contentType = arrow ? ARROW_STREAM_MEDIA_TYPE : 'application/json; charset=utf-8';
      const data = arrow ? answer.arrow.slice().buffer : asBytes ? bytesOf(answer.json) : answer.json;
      subscriber.next({
        data: data as T,
        status: 200,
        statusText: 'OK',
        ok: true,
        headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? contentType : null) } as Headers,
        url: options.url,
        type: 'basic',
        redirected: false,
        config: options,
      });
      subscriber.complete();
    });
  }
}
