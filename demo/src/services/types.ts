import type { Route } from '../http-server';

/** What a service process is told by the shop that forks it. */
export interface ServiceEnv {
  /** Folder for the service's own DuckDB file. */
  dbDir: string;
  catalogUrl?: string;
  checkoutUrl?: string;
  paymentsUrl?: string;
}

export interface ServiceInstance {
  routes: Route[];
  close(): void;
}

export function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set`);
  }
  return value;
}
