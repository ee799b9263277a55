import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';

import { QUERY_TYPES, type QueryField } from '@osprey/model';

import { OspreyDataSource } from '../datasource';
import { TEST_SETTINGS } from '../testing/query-request';
import type { OspreyQuery } from '../types';
import { QueryEditor } from './QueryEditor';
import { CHOICES, INPUTS, NAMES, SWITCHES } from './field-specs';
import { inputId, positiveNumber } from './QueryFields';

const datasource = new OspreyDataSource(TEST_SETTINGS);

// The Select menu (virtualised by @grafana/ui) watches its options with IntersectionObserver, which jsdom lacks.
beforeAll(() => {
  global.IntersectionObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  } as unknown as typeof IntersectionObserver;
});

afterEach(() => jest.restoreAllMocks());

// No BackendSrv is set here, so loading options fails unless a test gives the datasource a list;
// act() lets the loading settle inside the test.
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
    await setup({
      service: '$service',
      endpoint: 'GET /orders',
      minElapsed: 250,
      limit: 100,
      errorsOnly: true,
      traceId: '$trace',
      userId: 'u-1',
    });
    expect(screen.getByText('XLOG')).toBeInTheDocument();
    expect(screen.getByText('$service')).toBeInTheDocument();
    expect(screen.getByText('GET /orders')).toBeInTheDocument();
    expect(screen.getByDisplayValue('$trace')).toBeInTheDocument();
    expect(screen.getByDisplayValue('u-1')).toBeInTheDocument();
    expect(screen.getByDisplayValue('250')).toBeInTheDocument();
    expect(screen.getByDisplayValue('100')).toBeInTheDocument();
    expect(screen.getAllByRole('switch')[0]).toBeChecked();
  });

  it('runs the query when the user id field is left, not on every key', async () => {
    const { onChange, onRunQuery } = await setup();
    const user = screen.getByPlaceholderText('any user');
    fireEvent.change(user, { target: { value: 'u-42' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ userId: 'u-42' }));
    expect(onRunQuery).not.toHaveBeenCalled();
    fireEvent.blur(user);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('toggles errors only and reruns', async () => {
    const { onChange, onRunQuery } = await setup();
    fireEvent.click(screen.getAllByRole('switch')[0]);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ errorsOnly: true }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('saves a switch turned off as absent', async () => {
    const { onChange } = await setup({ errorsOnly: true });
    fireEvent.click(screen.getAllByRole('switch')[0]);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ errorsOnly: undefined }));
  });

  it('clears min elapsed when the field is emptied', async () => {
    const { onChange } = await setup({ minElapsed: 250 });
    fireEvent.change(screen.getByDisplayValue('250'), { target: { value: '' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ minElapsed: undefined }));
  });

  it.each([
    ['120', 120],
    ['-3', undefined],
    ['', undefined],
  ])('reads a capacity concurrency limit of "%s" as %p', async (text, limit) => {
    const { onChange, onRunQuery } = await setup({ queryType: 'capacity', concurrencyLimit: 50 });
    fireEvent.change(document.getElementById('osprey-concurrency-limit')!, { target: { value: text } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ concurrencyLimit: limit }));
    expect(onRunQuery).not.toHaveBeenCalled();
  });
});

/** Opens a Grafana Select by its input id and picks the option with this label. */
async function pick(inputId: string, label: string) {
  const input = document.getElementById(inputId)!;
  fireEvent.keyDown(input, { key: 'ArrowDown' });
  const menu = await screen.findByLabelText('Select options menu');
  fireEvent.click(within(menu).getByText(label));
}

describe('QueryEditor: switching query types', () => {
  it('XLOG → RED keeps service and endpoint, drops the row filters, and reruns', async () => {
    const { onChange, onRunQuery } = await setup({ service: 'orders', endpoint: 'GET /x', minElapsed: 5, live: true });
    await pick('osprey-query-type', 'RED metrics');
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'A',
      queryType: 'red',
      service: 'orders',
      endpoint: 'GET /x',
    });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('RED shows group by and metrics, not the XLOG filters', async () => {
    await setup({ queryType: 'red', groupBy: 'endpoint', redMetrics: ['p99'] });
    expect(screen.getByRole('radio', { name: 'Endpoint' })).toBeChecked();
    expect(screen.getByText('p99')).toBeInTheDocument();
    expect(screen.queryByText('Min elapsed (ms)')).not.toBeInTheDocument();
    // The anomaly band's, not errors only or live.
    expect(screen.getAllByRole('switch').map((s) => s.id)).toEqual(['osprey-red-band']);
  });

  it('switches the anomaly band on and off, rerunning each time', async () => {
    const { onChange, onRunQuery } = await setup({ queryType: 'red' });
    const band = () => document.getElementById('osprey-red-band')!;
    expect(band()).not.toBeChecked();
    fireEvent.click(band());
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ queryType: 'red', redBand: true }));
    cleanup();
    const off = await setup({ queryType: 'red', redBand: true });
    expect(band()).toBeChecked();
    fireEvent.click(band());
    expect(off.onChange).toHaveBeenLastCalledWith(expect.objectContaining({ redBand: undefined }));
    expect(onRunQuery.mock.calls.length + off.onRunQuery.mock.calls.length).toBe(2);
  });

  it('changing RED grouping reruns with the new group', async () => {
    const { onChange, onRunQuery } = await setup({ queryType: 'red' });
    fireEvent.click(screen.getByRole('radio', { name: 'Instance' }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ groupBy: 'instance' }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('a trace query only asks for the trace id', async () => {
    await setup({ queryType: 'trace', traceId: 'abc' });
    expect(screen.getByDisplayValue('abc')).toBeInTheDocument();
    expect(screen.queryByText('Service')).not.toBeInTheDocument();
    expect(screen.queryByText('Endpoint')).not.toBeInTheDocument();
  });

  it.each([
    ['serviceMap', 'Service map'],
    ['active', 'Active services'],
  ] as const)('%s only filters by service', async (queryType, label) => {
    await setup({ queryType });
    expect(screen.getByText(label)).toBeInTheDocument();
    expect(screen.getByText('Service')).toBeInTheDocument();
    expect(screen.queryByText('Instance')).not.toBeInTheDocument();
    expect(screen.queryByText('Endpoint')).not.toBeInTheDocument();
  });

  it('the services list has no filters at all', async () => {
    await setup({ queryType: 'services' });
    expect(screen.queryByText('Service')).not.toBeInTheDocument();
  });
});

describe('QueryEditor: XLOG mode and live', () => {
  it('picks density mode', async () => {
    const { onChange } = await setup();
    expect(screen.getByRole('radio', { name: 'Rows' })).toBeChecked();
    fireEvent.click(screen.getByRole('radio', { name: 'Density' }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ mode: 'density' }));
  });

  it('turns live on; a live query shows rows mode', async () => {
    const { onChange } = await setup({ mode: 'density' });
    fireEvent.click(screen.getAllByRole('switch')[1]);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ live: true }));
  });

  it('a live query shows rows as its mode', async () => {
    await setup({ mode: 'density', live: true });
    expect(screen.getByRole('radio', { name: 'Rows' })).toBeChecked();
  });
});

describe('QueryEditor: options from the backend', () => {
  it('offers the services, and the endpoints and instances of the chosen (variable) service', async () => {
    const lists: Record<string, string[]> = {
      services: ['orders', 'payments'],
      endpoints: ['GET /orders', 'POST /orders'],
      instances: ['orders-1'],
    };
    const listValues = jest.spyOn(datasource, 'listValues').mockImplementation(async (type) => lists[type]);
    const { onChange } = await setup({ service: '$service' });
    // The datasource interpolates $service when it loads the lists.
    expect(listValues).toHaveBeenCalledWith('endpoints', '$service');
    expect(listValues).toHaveBeenCalledWith('instances', '$service');
    await pick('osprey-endpoint', 'POST /orders');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ endpoint: 'POST /orders' }));
    await pick('osprey-service', 'payments');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ service: 'payments' }));
  });

  it('says why the list is empty when the backend cannot be read', async () => {
    jest.spyOn(datasource, 'listValues').mockRejectedValue(new Error('HTTP 401'));
    await setup();
    fireEvent.keyDown(document.getElementById('osprey-service')!, { key: 'ArrowDown' });
    expect(await screen.findByText('Could not load services: HTTP 401')).toBeInTheDocument();
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

describe('QueryEditor for host queries', () => {
  it('a compare offers the hosts that sent snapshots, both ids and the compare tables', async () => {
    jest.spyOn(datasource, 'hostNames').mockResolvedValue(['db-1', 'web-1']);
    const { onChange } = await setup({ queryType: 'hostCompare', host: 'web-1', snapshotId: 'hs-1' });
    expect(screen.getByDisplayValue('hs-1')).toBeInTheDocument();
    expect(screen.getByText('Newer id')).toBeInTheDocument();
    expect(screen.getByText('Processes started')).toBeInTheDocument();
    expect(screen.queryByText('Service')).not.toBeInTheDocument();
    await pick('osprey-host', 'db-1');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ host: 'db-1' }));
    await pick('osprey-host-table', 'Descriptor growth');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ hostTable: 'fds' }));
  });

  it('one snapshot has one id field and the snapshot tables', async () => {
    jest.spyOn(datasource, 'hostNames').mockResolvedValue([]);
    await setup({ queryType: 'hostSnapshot', hostTable: 'openFiles' });
    expect(screen.getByText('Snapshot id')).toBeInTheDocument();
    expect(screen.queryByText('Newer id')).not.toBeInTheDocument();
    expect(screen.getByText('Open files')).toBeInTheDocument();
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

describe('the editor has an input for every field a query type reads', () => {
  // Set by the XLOG panel (a box's top) and by exemplar links.
  const NO_INPUT: readonly QueryField[] = ['maxElapsed', 'query'];
  const withInput = new Set<string>([...Object.keys({ ...INPUTS, ...SWITCHES, ...CHOICES, ...NAMES }), 'redMetrics']);
  it.each(Object.entries(QUERY_TYPES))('%s', (_, spec) => {
    expect(spec.fields.filter((f) => !withInput.has(f) && !NO_INPUT.includes(f))).toEqual([]);
  });
});

describe('inputId', () => {
  it('is osprey- and the field in kebab case', () => {
    const fields = ['service', 'concurrencyLimit', 'otherSnapshotId'] as const;
    expect(fields.map(inputId)).toEqual(['osprey-service', 'osprey-concurrency-limit', 'osprey-other-snapshot-id']);
  });
});
