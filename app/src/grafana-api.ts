/**
 * The Grafana HTTP API calls of the app's pages: its own plugin settings, the Osprey datasource, and the
 * backend through the app's plugin route.
 */
import type { DataSourceSettings } from '@grafana/data';
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { API_PATHS, PLUGIN_IDS, type HealthResponse, type ServicesResponse } from '@osprey/model';
import { lastValueFrom } from 'rxjs';

import { describeFetchError, expectShape } from '../../datasource/src/errors';
import {
  APP_SETTINGS_URL,
  AppJsonData,
  AppSecureJsonData,
  BACKEND_ROUTE,
  DATASOURCE_NAME,
  DATASOURCE_UID,
} from './settings';

/** What the pages say about the backend: its /health answer and the services the token can read. */
export interface BackendStatus {
  health: HealthResponse;
  services: string[];
}

async function get<T>(url: string): Promise<T> {
  const response = await lastValueFrom(getBackendSrv().fetch<T>({ url, method: 'GET', showErrorAlert: false }));
  return response.data;
}

async function send<T>(url: string, method: 'POST' | 'PUT', data: unknown): Promise<T> {
  const response = await lastValueFrom(getBackendSrv().fetch<T>({ url, method, data, showErrorAlert: false }));
  return response.data;
}

/** Health, then services with the token: the first proves the URL, the second the token's read scope. */
export async function backendStatus(): Promise<BackendStatus> {
  let health: HealthResponse;
  try {
    health = expectShape<HealthResponse>(await get(BACKEND_ROUTE + API_PATHS.health), 'version', API_PATHS.health);
  } catch (err) {
    throw new Error(describeFetchError(err, 'Health check'));
  }
  try {
    const { services } = expectShape<ServicesResponse>(
      await get(BACKEND_ROUTE + API_PATHS.services),
      'services',
      API_PATHS.services
    );
    return { health, services };
  } catch (err) {
    throw new Error(describeFetchError(err, 'Reading services with the token'));
  }
}

export function describeBackendStatus({ health, services }: BackendStatus): string {
  return `Osprey ${health.version} (${health.store}) is up; the token can read ${services.length} service(s).`;
}

/** A failed Grafana API call as a sentence: Grafana answers errors with `{message}`. */
export function describeGrafanaError(err: unknown, what: string): string {
  if (isFetchError(err)) {
    const body = err.data as { message?: string } | undefined;
    return `${what} failed with HTTP ${err.status}${body?.message ? `: ${body.message}` : ''}`;
  }
  return `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
}

export interface AppSettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppJsonData;
  /** Absent keeps the saved token, as Grafana merges secureJsonData. */
  secureJsonData?: AppSecureJsonData;
}

/** The create-plugin template's updatePlugin: one POST with the whole settings. */
export function saveAppSettings(update: AppSettingsUpdate): Promise<unknown> {
  return send(APP_SETTINGS_URL, 'POST', update);
}

/** The datasource as Grafana's API returns it; only the fields the app reads or must send back. */
export type ExistingDataSource = Pick<DataSourceSettings, 'uid' | 'name' | 'type' | 'access'> &
  Partial<Pick<DataSourceSettings, 'id' | 'isDefault' | 'version'>> & { jsonData?: Record<string, unknown> };

export interface DataSourceBody {
  uid: string;
  name: string;
  type: string;
  access: 'proxy';
  isDefault?: boolean;
  version?: number;
  jsonData: Record<string, unknown>;
  secureJsonData?: { token: string };
}

/**
 * The body of POST /api/datasources (no `existing`) or PUT /api/datasources/uid/osprey: the app's URL, and
 * the token only when typed, since Grafana never sends a saved one back and keeps it when the key is absent.
 * A new datasource needs the token, or every query would be refused with 401.
 */
export function dataSourceBody(existing: ExistingDataSource | undefined, url: string, token: string): DataSourceBody {
  const trimmedUrl = url.trim();
  if (!/^https?:\/\/\S+$/.test(trimmedUrl)) {
    throw new Error(`the backend URL "${url}" is not an http(s) URL`);
  }
  if (!existing && token === '') {
    throw new Error(
      'type the token above: Grafana never sends a saved token back to the browser, so a new datasource needs it typed once'
    );
  }
  const body: DataSourceBody = {
    uid: DATASOURCE_UID,
    name: existing?.name ?? DATASOURCE_NAME,
    type: PLUGIN_IDS.datasource,
    access: 'proxy',
    jsonData: { ...(existing?.jsonData ?? {}), url: trimmedUrl },
  };
  if (existing) {
    // Optimistic locking: Grafana refuses the PUT if someone saved the datasource since we read it.
    body.version = existing.version;
    body.isDefault = existing.isDefault;
  }
  if (token !== '') {
    body.secureJsonData = { token };
  }
  return body;
}

/** Grafana's own check for the datasource pages: org admins and server admins manage datasources. */
export function canManageDataSources(user: { orgRole?: string; isGrafanaAdmin?: boolean } | undefined): boolean {
  return user?.orgRole === 'Admin' || user?.isGrafanaAdmin === true;
}

/** The Osprey datasource, or undefined when Grafana has none with its uid. */
export async function findOspreyDataSource(): Promise<ExistingDataSource | undefined> {
  try {
    return await get<ExistingDataSource>(`/api/datasources/uid/${DATASOURCE_UID}`);
  } catch (err) {
    if (isFetchError(err) && err.status === 404) {
      return undefined;
    }
    throw err;
  }
}

/** GET by uid, then PUT to update it or POST to create it. */
export async function upsertOspreyDataSource(url: string, token: string): Promise<'created' | 'updated'> {
  let existing: ExistingDataSource | undefined;
  try {
    existing = await findOspreyDataSource();
  } catch (err) {
    throw new Error(describeGrafanaError(err, 'Reading the Osprey datasource'));
  }
  const body = dataSourceBody(existing, url, token);
  try {
    if (existing) {
      await send(`/api/datasources/uid/${DATASOURCE_UID}`, 'PUT', body);
      return 'updated';
    }
    await send('/api/datasources', 'POST', body);
    return 'created';
  } catch (err) {
    throw new Error(
      describeGrafanaError(err, existing ? 'Updating the Osprey datasource' : 'Creating the Osprey datasource')
    );
  }
}
