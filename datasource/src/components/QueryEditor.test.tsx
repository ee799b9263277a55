import type { DataSourceInstanceSettings } from '@grafana/data';
import { act, fireEvent, render, screen } from '@testing-library/react';

import { OspreyDataSource } from '../datasource';
import type { OspreyOptions, OspreyQuery } from '../types';
import { positiveNumber, QueryEditor } from './QueryEditor';

const datasource = new OspreyDataSource({
  id: 1,
  uid: 'osprey',
  type: 'osprey-apm-datasource',
  name: 'Osprey',
  url: '/api/datasources/proxy/uid/osprey',
  jsonData: {},
  access: 'proxy',
  readOnly: false,
  meta: { id: 'osprey-apm-datasource' },
} as DataSourceInstanceSettings<OspreyOptions>);

// No BackendSrv is set here, so loading the service list fails; act() lets that settle inside the test.
async function setup(query: Partial<OspreyQuery> = {}) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  await act(async () => {
    render(
      <QueryEditor
        datasource={datasource}
        query={{ refId: 'A', queryType: 'xlog', ...query }}
        onChange={onChange}
        onRunQuery={onRunQuery}
      />
    );
  });
  return { onChange, onRunQuery };
}

describe('QueryEditor', () => {
  it('shows the saved query', async () => {
    await setup({ service: '$service', endpoint: 'GET /orders', minElapsed: 250, limit: 100, errorsOnly: true });
    expect(screen.getByText('XLOG')).toBeInTheDocument();
    expect(screen.getByText('$service')).toBeInTheDocument();
    expect(screen.getByDisplayValue('GET /orders')).toBeInTheDocument();
    expect(screen.getByDisplayValue('250')).toBeInTheDocument();
    expect(screen.getByDisplayValue('100')).toBeInTheDocument();
    expect(screen.getByRole('switch')).toBeChecked();
  });

  it('runs the query when the endpoint field is left, not on every key', async () => {
    const { onChange, onRunQuery } = await setup();
    const endpoint = screen.getByPlaceholderText('GET /orders');
    fireEvent.change(endpoint, { target: { value: 'POST /pay' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ endpoint: 'POST /pay' }));
    expect(onRunQuery).not.toHaveBeenCalled();
    fireEvent.blur(endpoint);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('toggles errors only and reruns', async () => {
    const { onChange, onRunQuery } = await setup();
    fireEvent.click(screen.getByRole('switch'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ errorsOnly: true }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('clears min elapsed when the field is emptied', async () => {
    const { onChange } = await setup({ minElapsed: 250 });
    fireEvent.change(screen.getByDisplayValue('250'), { target: { value: '' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ minElapsed: undefined }));
  });
});

describe('QueryEditor for JVM queries', () => {
  it('shows instance and ids, not the XLOG filters', async () => {
    await setup({ queryType: 'threadDumpDiff', service: 'shop', instance: 'shop-1', dumpId: 'td-a' });
    expect(screen.getByText('Thread dump diff')).toBeInTheDocument();
    expect(screen.getByText('shop-1')).toBeInTheDocument();
    expect(screen.getByDisplayValue('td-a')).toBeInTheDocument();
    expect(screen.getByText('Newer id')).toBeInTheDocument();
    expect(screen.queryByPlaceholderText('GET /orders')).not.toBeInTheDocument();
    expect(screen.queryByRole('switch')).not.toBeInTheDocument();
  });

  it('a one-dump query has a single id field', async () => {
    await setup({ queryType: 'threadDump' });
    expect(screen.getByText('Id')).toBeInTheDocument();
    expect(screen.queryByText('Newer id')).not.toBeInTheDocument();
  });
});

describe('positiveNumber', () => {
  it.each([
    ['250', 250],
    ['0.5', 0.5],
    ['', undefined],
    ['  ', undefined],
    ['0', undefined],
    ['-3', undefined],
    ['abc', undefined],
  ])('%p → %p', (text, value) => {
    expect(positiveNumber(text)).toBe(value);
  });
});
