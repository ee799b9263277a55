/**
 * Grafana's DataSourceSrv for the host: panels reach a datasource instance by uid (the thread-dump
 * panel's "Request thread dump" button does). Instances are the ones the host created from the built
 * module, one per uid, as Grafana keeps one per datasource.
 */
import type { DataSourceApi, DataSourceInstanceSettings, DataSourceRef } from '@grafana/data';
import type { DataSourceSrv, RuntimeDataSourceRegistration } from '@grafana/runtime';

export class HostDataSourceSrv implements DataSourceSrv {
  private readonly instances = new Map<string, { settings: DataSourceInstanceSettings; api: DataSourceApi }>();

  add(settings: DataSourceInstanceSettings, api: DataSourceApi) {
    this.instances.set(settings.uid, { settings, api });
  }

  private uidOf(ref?: DataSourceRef | string | null): string | undefined {
    return typeof ref === 'string' ? ref : (ref?.uid ?? undefined);
  }

  async get(ref?: DataSourceRef | string | null): Promise<DataSourceApi> {
    const uid = this.uidOf(ref);
    const found = uid ? this.instances.get(uid) : undefined;
    if (!found) {
      throw new Error(`Datasource ${uid ?? '(none)'} was not found`);
    }
    return found.api;
  }

  getList(): DataSourceInstanceSettings[] {
    return [...this.instances.values()].map((i) => i.settings);
  }

  getInstanceSettings(ref?: DataSourceRef | string | null): DataSourceInstanceSettings | undefined {
    const uid = this.uidOf(ref);
    return uid ? this.instances.get(uid)?.settings : undefined;
  }

  async reload(): Promise<void> {
    return;
  }

  registerRuntimeDataSource(entry: RuntimeDataSourceRegistration): void {
    throw new Error(`runtime datasources are not part of the host (${entry.dataSource.uid})`);
  }
}
