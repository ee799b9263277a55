/**
 * The part of Grafana's HTTP API the app's pages call, for the host server: the app's plugin settings
 * (GET/POST /api/plugins/<app id>/settings), datasources by uid (GET/PUT /api/datasources/uid/<uid>,
 * POST /api/datasources), and folders and alerting provisioning (grafana-api-alerting.ts). Answers are shaped
 * as Grafana's, `{message}` on errors; secure values are kept here and only ever answered as
 * `secureJsonFields`. Datasources live in the map the data proxy reads, so one made here is then served by the
 * proxy. Every call is recorded for the tests.
 */
import { AlertingStandIn } from './grafana-api-alerting';
import type { ProxiedDataSource } from './server';

/** An app's plugin settings as Grafana stores them per org. */
export interface AppSettings {
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

/** A call to the stand-in, with its JSON body, the headers Grafana's API reads, and the status it got. */
export interface GrafanaApiCall {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  status: number;
}

/** The request headers whose presence changes what Grafana does, as the API documents them. */
const READ_HEADERS = ['X-Disable-Provenance'];

/** Grafana answers secure settings only as which keys are set. */
function secureJsonFields(secure: Record<string, string>): Record<string, boolean> {
  return Object.fromEntries(Object.keys(secure).map((key) => [key, true]));
}

/** Grafana's merge on update: a secureJsonData key that is absent keeps its stored value. */
function mergeSecure(stored: Record<string, string>, update: unknown): Record<string, string> {
  return { ...stored, ...((update as Record<string, string> | undefined) ?? {}) };
}

/** A datasource as GET /api/datasources/uid/<uid> answers it. */
function dataSourceDto(ds: ProxiedDataSource) {
  const { secureJsonData, ...rest } = ds;
  return { ...rest, secureJsonFields: secureJsonFields(secureJsonData) };
}

const DATASOURCE_BY_UID = /^\/api\/datasources\/uid\/([^/]+)$/;
const SERVED = /^\/api\/(datasources(\/|$)|folders(\/|$)|v1\/provisioning\/)/;

export class GrafanaApiStandIn {
  /** Folders and alert rules, which a test may read and change as a Grafana user would. */
  readonly alerting = new AlertingStandIn();
  private readonly recorded: GrafanaApiCall[] = [];
  private nextDataSourceId = 100;
  private readonly settingsPath: string;

  /** `appPluginJson` is the built plugin.json with module and baseUrl, which the settings answer carries. */
  constructor(
    private readonly appPluginJson: { id: string } & Record<string, unknown>,
    private settings: AppSettings,
    private readonly dataSources: Map<string, ProxiedDataSource>
  ) {
    this.settingsPath = `/api/plugins/${appPluginJson.id}/settings`;
  }

  /** The saved settings, for the plugin proxy to fill the app's route templates from. */
  get appSettings(): AppSettings {
    return this.settings;
  }

  calls(): GrafanaApiCall[] {
    return this.recorded.map((call) => structuredClone(call));
  }

  /** Whether a request path is part of the API this stands in for. */
  serves(pathname: string): boolean {
    return pathname === this.settingsPath || SERVED.test(pathname);
  }

  /** Answers a request; `headers` as Node gives them, names in lower case. */
  handle(
    method: string,
    pathname: string,
    body: unknown,
    headers: Record<string, string | string[] | undefined> = {}
  ): [number, unknown] {
    const read = Object.fromEntries(
      READ_HEADERS.flatMap((name) => {
        const value = headers[name.toLowerCase()];
        return value === undefined ? [] : [[name, String(value)]];
      })
    );
    const disableProvenance = 'X-Disable-Provenance' in read;
    const [status, answer] =
      this.alerting.answer(method, pathname, body, disableProvenance) ?? this.answer(method, pathname, body);
    this.recorded.push({
      method,
      path: pathname,
      ...(Object.keys(read).length === 0 ? {} : { headers: read }),
      ...(body === undefined ? {} : { body }),
      status,
    });
    return [status, answer];
  }

  private answer(method: string, pathname: string, body: unknown): [number, unknown] {
    if (pathname === this.settingsPath) {
      return method === 'POST' ? this.saveSettings(body as Partial<AppSettings>) : this.readSettings();
    }
    const byUid = DATASOURCE_BY_UID.exec(pathname);
    if (byUid && method === 'GET') {
      const stored = this.dataSources.get(byUid[1]);
      return stored ? [200, dataSourceDto(stored)] : [404, { message: 'Data source not found' }];
    }
    if (byUid && method === 'PUT') {
      return this.updateDataSource(byUid[1], body as ProxiedDataSource);
    }
    if (pathname === '/api/datasources' && method === 'POST') {
      return this.createDataSource(body as ProxiedDataSource);
    }
    return [404, { message: 'Not found' }];
  }

  private readSettings(): [number, unknown] {
    const { secureJsonData, ...rest } = this.settings;
    return [200, { ...this.appPluginJson, ...rest, secureJsonFields: secureJsonFields(secureJsonData) }];
  }

  private saveSettings(update: Partial<AppSettings>): [number, unknown] {
    this.settings = {
      enabled: Boolean(update.enabled),
      pinned: Boolean(update.pinned),
      jsonData: update.jsonData ?? this.settings.jsonData,
      secureJsonData: mergeSecure(this.settings.secureJsonData, update.secureJsonData),
    };
    return [200, { message: 'Plugin settings updated' }];
  }

  private updateDataSource(uid: string, update: ProxiedDataSource): [number, unknown] {
    const stored = this.dataSources.get(uid);
    if (!stored) {
      return [404, { message: 'Data source not found' }];
    }
    if (update.version !== undefined && update.version !== stored.version) {
      return [409, { message: 'Datasource has already been updated by someone else. Please reload and try again' }];
    }
    const updated: ProxiedDataSource = {
      ...stored,
      ...update,
      uid: stored.uid,
      id: stored.id,
      version: (stored.version ?? 0) + 1,
      secureJsonData: mergeSecure(stored.secureJsonData, update.secureJsonData),
    };
    this.dataSources.set(uid, updated);
    return [
      200,
      { datasource: dataSourceDto(updated), id: updated.id, message: 'Datasource updated', name: updated.name },
    ];
  }

  private createDataSource(create: ProxiedDataSource): [number, unknown] {
    if (!create.name || !create.type) {
      return [400, { message: 'name and type are required' }];
    }
    if (this.dataSources.has(create.uid)) {
      return [409, { message: 'data source with the same uid already exists' }];
    }
    const created: ProxiedDataSource = {
      ...create,
      jsonData: create.jsonData ?? {},
      secureJsonData: create.secureJsonData ?? {},
      id: this.nextDataSourceId++,
      version: 1,
    };
    this.dataSources.set(created.uid, created);
    return [
      200,
      { datasource: dataSourceDto(created), id: created.id, message: 'Datasource added', name: created.name },
    ];
  }
}
