import type { DataSourceSettings } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';

import type { OspreyOptions, OspreySecureOptions } from '../types';
import { ConfigEditor } from './ConfigEditor';

function settings(
  overrides: Partial<DataSourceSettings<OspreyOptions, OspreySecureOptions>> = {}
): DataSourceSettings<OspreyOptions, OspreySecureOptions> {
  return {
    id: 1,
    uid: 'osprey',
    orgId: 1,
    name: 'Osprey',
    type: 'osprey-apm-datasource',
    typeName: 'Osprey APM',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    version: 1,
    jsonData: { url: 'http://127.0.0.1:4318' },
    secureJsonFields: {},
    ...overrides,
  };
}

describe('ConfigEditor', () => {
  it('edits the backend URL in jsonData', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    const url = screen.getByDisplayValue('http://127.0.0.1:4318');
    fireEvent.change(url, { target: { value: 'http://osprey:4318' } });
    expect(onOptionsChange).toHaveBeenCalledWith(expect.objectContaining({ jsonData: { url: 'http://osprey:4318' } }));
  });

  it('puts a new token in secureJsonData, not jsonData', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByPlaceholderText('read token'), { target: { value: 's3cret' } });
    const next = onOptionsChange.mock.calls[0][0];
    expect(next.secureJsonData).toEqual({ token: 's3cret' });
    expect(JSON.stringify(next.jsonData)).not.toContain('s3cret');
  });

  it('shows a configured token as configured and resets it', () => {
    const onOptionsChange = jest.fn();
    render(
      <ConfigEditor options={settings({ secureJsonFields: { token: true } })} onOptionsChange={onOptionsChange} />
    );
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    const next = onOptionsChange.mock.calls[0][0];
    expect(next.secureJsonFields.token).toBe(false);
    expect(next.secureJsonData.token).toBe('');
  });

  it('never renders a saved token back: Grafana only says it is configured', () => {
    // What Grafana hands the editor after saving: secureJsonFields says the token exists, no value.
    const { container } = render(
      <ConfigEditor options={settings({ secureJsonFields: { token: true } })} onOptionsChange={jest.fn()} />
    );
    const inputs = Array.from(container.querySelectorAll('input'));
    expect(inputs.map((i) => i.value).sort()).toEqual(['', 'configured', 'http://127.0.0.1:4318']);
    expect(screen.getByDisplayValue('configured')).toHaveAttribute('type', 'text');
  });

  it('edits the timeout in seconds', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    const timeout = screen.getByPlaceholderText('30');
    fireEvent.change(timeout, { target: { value: '5' } });
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { url: 'http://127.0.0.1:4318', timeout: 5 } })
    );
  });

  it('an emptied timeout goes back to the default', () => {
    const onOptionsChange = jest.fn();
    render(
      <ConfigEditor options={settings({ jsonData: { url: 'u', timeout: 5 } })} onOptionsChange={onOptionsChange} />
    );
    fireEvent.change(screen.getByDisplayValue('5'), { target: { value: '' } });
    expect(onOptionsChange.mock.calls[0][0].jsonData).toEqual({ url: 'u', timeout: undefined });
  });
});
