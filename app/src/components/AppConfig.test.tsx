import { AppPlugin, type AppPluginMeta, PluginType } from '@grafana/data';
import { config } from '@grafana/runtime';
import { render, screen } from '@testing-library/react';

import type { AppJsonData } from '../settings';
import { AppConfig } from './AppConfig';

function appPlugin(meta: Partial<AppPluginMeta<AppJsonData>>) {
  const plugin = new AppPlugin<AppJsonData>();
  plugin.meta = {
    id: 'osprey-apm-app',
    name: 'Osprey APM',
    type: PluginType.app,
    module: '',
    baseUrl: '',
    info: {
      author: { name: 'Osprey' },
      description: '',
      links: [],
      logos: { small: '', large: '' },
      screenshots: [],
      updated: '',
      version: '',
    },
    enabled: true,
    pinned: true,
    jsonData: { url: 'http://osprey:4318' },
    ...meta,
  };
  return plugin;
}

const original = config.bootData.user;

afterEach(() => {
  config.bootData.user = original;
});

describe('AppConfig', () => {
  it('shows a saved token as configured, with a reset button and no value', () => {
    render(<AppConfig plugin={appPlugin({ secureJsonFields: { token: true } })} query={{}} />);
    expect(screen.getByDisplayValue('http://osprey:4318')).toBeInTheDocument();
    const token = document.getElementById('osprey-app-token') as HTMLInputElement;
    expect(token.value).toBe('configured');
    expect(token).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Reset' })).toBeInTheDocument();
  });

  it.each([
    { orgRole: 'Admin', isGrafanaAdmin: false, datasource: true, alertRules: true },
    { orgRole: 'Viewer', isGrafanaAdmin: true, datasource: true, alertRules: false },
    { orgRole: 'Editor', isGrafanaAdmin: false, datasource: false, alertRules: false },
  ])(
    'offers $orgRole (server admin $isGrafanaAdmin) the datasource action: $datasource, the alert rules: $alertRules',
    ({ orgRole, isGrafanaAdmin, datasource, alertRules }) => {
      config.bootData.user = { ...original, orgRole: orgRole as never, isGrafanaAdmin };
      render(<AppConfig plugin={appPlugin({})} query={{}} />);
      expect(screen.queryByRole('button', { name: /Create \/ update the Osprey datasource/ }) !== null).toBe(
        datasource
      );
      expect(screen.queryByRole('button', { name: 'Install alert rules' }) !== null).toBe(alertRules);
      expect(screen.queryByText(/An organization admin can install the Osprey alert rules/) !== null).toBe(!alertRules);
    }
  );

  it('offers to enable a disabled app', () => {
    render(<AppConfig plugin={appPlugin({ enabled: false })} query={{}} />);
    expect(screen.getByRole('button', { name: 'Enable' })).toBeInTheDocument();
  });
});
