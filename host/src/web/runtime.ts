/**
 * What Grafana's frontend gives every plugin, set up once per page: the real npm packages Grafana
 * shares, registered under their names with an AMD loader standing in for SystemJS; the services
 * plugins reach through @grafana/runtime; and what Grafana core registers at start: the option editors,
 * the standard field options and the standard transformers.
 */
import './boot-data';

import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import { type DataQueryRequest, type DataSourceApi, type DataSourceInstanceSettings, EventBusSrv } from '@grafana/data';
import * as grafanaI18n from '@grafana/i18n';
import * as grafanaRuntime from '@grafana/runtime';
import { setAppEvents, setBackendSrv, setDataSourceSrv, setTemplateSrv } from '@grafana/runtime';
import * as grafanaSchema from '@grafana/schema';
import * as grafanaUi from '@grafana/ui';
import * as lodash from 'lodash';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

import { AmdLoader } from './amd';
import { HostBackendSrv } from './backend-srv';
import { HostDataSourceSrv } from './datasource-srv';
import { registerOptionEditors } from './editors';
import { registerStandardFieldConfigs } from './field-config';
import { HostTemplateSrv } from './template-srv';
import { registerStandardTransformers } from './transformers';

/** What Grafana's SystemJS registry exposes to plugins under these names (the create-plugin externals we have installed). */
const shared: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/schema': grafanaSchema,
  '@grafana/i18n': grafanaI18n,
  rxjs,
  'rxjs/operators': rxjsOperators,
  lodash,
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
};

registerOptionEditors();
registerStandardFieldConfigs();
registerStandardTransformers();
export const templateSrv = new HostTemplateSrv();
setBackendSrv(new HostBackendSrv());
setTemplateSrv(templateSrv);
export const dataSourceSrv = new HostDataSourceSrv();
setDataSourceSrv(dataSourceSrv);
/** Grafana's app event bus; a "variables-changed" event with refreshAll asks the dashboard to refresh. */
export const appEvents = new EventBusSrv();
setAppEvents(appEvents);

const loader = new AmdLoader(shared);
loader.install(window as Window & { define?: never });

interface PluginModule<T> {
  plugin: T;
}

/** A built module.js's `plugin` export, loaded by URL as Grafana's plugin loader does. */
export async function loadPlugin<T>(url: string): Promise<T> {
  const exports = (await loader.load(url)) as PluginModule<T> | undefined;
  if (!exports || !exports.plugin) {
    throw new Error(`${url} does not export "plugin"`);
  }
  return exports.plugin;
}

/** The datasource class a built datasource module exports, the part the host instantiates. */
export interface DataSourceLike {
  testDatasource(): Promise<{ status: string; message: string }>;
  /** Grafana's CustomVariableSupport: what fills a dashboard's query variables. */
  variables?: { query(request: DataQueryRequest): rxjs.Observable<grafanaData.DataQueryResponse> };
  interpolateVariablesInQueries?(
    queries: grafanaData.DataQuery[],
    scopedVars: grafanaData.ScopedVars
  ): grafanaData.DataQuery[];
  query(
    request: DataQueryRequest
  ): Promise<grafanaData.DataQueryResponse> | rxjs.Observable<grafanaData.DataQueryResponse>;
}

interface DataSourcePluginLike {
  DataSourceClass: new (settings: DataSourceInstanceSettings) => DataSourceLike;
}

/** A new instance of a built datasource for `settings`, which DataSourceSrv then answers for its uid. */
export async function loadDataSource(moduleUrl: string, settings: DataSourceInstanceSettings): Promise<DataSourceLike> {
  const plugin = await loadPlugin<DataSourcePluginLike>(moduleUrl);
  const ds = new plugin.DataSourceClass(settings);
  dataSourceSrv.add(settings, ds as unknown as DataSourceApi);
  return ds;
}
