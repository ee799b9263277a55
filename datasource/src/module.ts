import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { OspreyDataSource } from './datasource';
import type { OspreyOptions, OspreyQuery, OspreySecureOptions } from './types';

export const plugin = new DataSourcePlugin<OspreyDataSource, OspreyQuery, OspreyOptions, OspreySecureOptions>(
  OspreyDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
