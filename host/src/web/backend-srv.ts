/**
 * The part of Grafana's BackendSrv that plugins use, over window.fetch: fetch() is an Observable of
 * FetchResponse and a non-2xx status errors with {status, statusText, data, config} like Grafana's.
 */
import { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { lastValueFrom, map, Observable } from 'rxjs';

/** Serialises `params` onto `url` the way Grafana does (arrays repeat the key, undefined is dropped). */
export function withParams(url: string, params: BackendSrvRequest['params']): string {
  if (!params || typeof params !== 'object') {
    return url;
  }
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) {
        search.append(key, String(item));
      }
    }
  }
  const query = search.toString();
  if (!query) {
    return url;
  }
  return url + (url.includes('?') ? '&' : '?') + query;
}

function requestBody(data: unknown): BodyInit | undefined {
  if (data === undefined || data === null) {
    return undefined;
  }
  return typeof data === 'string' || data instanceof Blob || data instanceof FormData ? data : JSON.stringify(data);
}

async function parseBody(response: Response, responseType: BackendSrvRequest['responseType']): Promise<unknown> {
  if (responseType === 'blob') {
    return response.blob();
  }
  if (responseType === 'arraybuffer') {
    return response.arrayBuffer();
  }
  const text = await response.text();
  if (responseType === 'text' || !text) {
    return text;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class HostBackendSrv implements BackendSrv {
  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return new Observable<FetchResponse<T>>((subscriber) => {
      const abort = new AbortController();
      const url = withParams(options.url, options.params);
      const headers = new Headers(options.headers as HeadersInit | undefined);
      const body = requestBody(options.data);
      if (body !== undefined && typeof body === 'string' && !headers.has('Content-Type')) {
        headers.set('Content-Type', 'application/json');
      }
      fetch(url, { method: options.method ?? 'GET', headers, body, signal: abort.signal, credentials: 'same-origin' })
        .then(async (response) => {
          const data = (await parseBody(response, options.responseType)) as T;
          if (!response.ok) {
            const error: FetchError = {
              status: response.status,
              statusText: response.statusText,
              data,
              config: options,
            };
            subscriber.error(error);
            return;
          }
          subscriber.next({
            data,
            status: response.status,
            statusText: response.statusText,
            ok: response.ok,
            headers: response.headers,
            url: response.url,
            type: response.type,
            redirected: response.redirected,
            config: options,
          });
          subscriber.complete();
        })
        .catch((err: unknown) => subscriber.error(err));
      return () => abort.abort();
    });
  }

  request<T>(options: BackendSrvRequest): Promise<T> {
    return lastValueFrom(this.fetch<T>(options).pipe(map((response) => response.data)));
  }

  datasourceRequest<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    return lastValueFrom(this.fetch<T>(options));
  }

  get<T>(
    url: string,
    params?: BackendSrvRequest['params'],
    requestId?: string,
    options?: Partial<BackendSrvRequest>
  ): Promise<T> {
    return this.request<T>({ ...options, url, params, requestId, method: 'GET' });
  }

  delete<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'DELETE' });
  }

  post<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'POST' });
  }

  patch<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'PATCH' });
  }

  put<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'PUT' });
  }

  chunked(options: BackendSrvRequest): Observable<FetchResponse<Uint8Array | undefined>> {
    return this.fetch<ArrayBuffer>({ ...options, responseType: 'arraybuffer' }).pipe(
      map((response) => ({ ...response, data: new Uint8Array(response.data) }))
    );
  }
}
