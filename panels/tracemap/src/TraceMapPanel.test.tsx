import {
  createTheme,
  dateTime,
  EventBusSrv,
  LoadingState,
  toDataFrame,
  type DataFrame,
  type LinkModel,
  type PanelProps,
} from '@grafana/data';
import { act, fireEvent, render, screen } from '@testing-library/react';

import { generateTopology, topologyFrames, type Topology } from './testTopology';
import { TraceMapPanel } from './TraceMapPanel';
import { DEFAULT_OPTIONS, type TraceMapOptions } from './types';

const from = dateTime(1_763_800_000_000);
const to = dateTime(1_763_803_600_000);
const timeRange = { from, to, raw: { from, to } };

function props(series: DataFrame[], options: Partial<TraceMapOptions> = {}): PanelProps<TraceMapOptions> {
  return {
    id: 3,
    data: { series, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    fieldConfig: { defaults: {}, overrides: [] },
    width: 1000,
    height: 600,
    transparent: false,
    renderCounter: 0,
    title: 'Service map',
    eventBus: new EventBusSrv(),
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s.replace('$env', 'prod'),
    onChangeTimeRange: jest.fn(),
  };
}

/** gateway → shop.api → {shop.cart, orders db, payment external}; shop.cart fails 25 % of its transactions. */
const small: Topology = {
  nodes: [
    { id: 'gateway', title: 'gateway', type: 'service', errorRatio: 0, p95: 20, rate: 10 },
    { id: 'shop.api', title: 'shop.api', type: 'service', errorRatio: 0.02, p95: 80, rate: 9 },
    { id: 'shop.cart', title: 'shop.cart', type: 'service', errorRatio: 0.25, p95: 300, rate: 4 },
    { id: 'db:postgresql:orders', title: 'orders', subtitle: 'postgresql', type: 'database' },
    { id: 'ext:pay.example.com:443', title: 'pay.example.com', type: 'external' },
  ],
  edges: [
    { source: 'gateway', target: 'shop.api', calls: 36_000, errors: 0, rate: 10, p95: 85 },
    { source: 'shop.api', target: 'shop.cart', calls: 14_400, errors: 3600, rate: 4, p95: 310 },
    { source: 'shop.api', target: 'db:postgresql:orders', calls: 7200, errors: 0, rate: 2, p95: 4 },
    { source: 'shop.cart', target: 'ext:pay.example.com:443', calls: 3600, errors: 36, rate: 1, p95: 150 },
  ],
};
const frames = () => topologyFrames(small).map((f) => toDataFrame(f));
const node = (id: string) => document.querySelector(`[data-testid=osprey-tm-node][data-id="${id}"]`) as HTMLElement;
const nodeIds = () =>
  [...document.querySelectorAll('[data-testid=osprey-tm-node]')].map((n) => n.getAttribute('data-id'));

describe('TraceMapPanel', () => {
  it('explains what it needs when the data has no node graph frames', () => {
    render(<TraceMapPanel {...props([toDataFrame({ fields: [{ name: 'time', values: [1] }] })])} />);
    expect(screen.getByText(/No service map in the data/)).toBeInTheDocument();
  });

  it('draws services, databases and externals as different shapes', () => {
    render(<TraceMapPanel {...props(frames())} />);
    const kinds = Object.fromEntries(nodeIds().map((id) => [id, node(id!).dataset.kind]));
    expect(kinds).toEqual({
      gateway: 'service',
      'shop.api': 'service',
      'shop.cart': 'service',
      'db:postgresql:orders': 'database',
      'ext:pay.example.com:443': 'external',
    });
    const outline = (id: string) => node(id).querySelector('[data-testid=osprey-tm-shape]')!.getAttribute('d')!;
    // Rounded box: four arcs; cylinder: arcs and a vertical side; hexagon: straight lines only.
    expect(outline('gateway').match(/A/g)).toHaveLength(4);
    expect(outline('db:postgresql:orders')).toMatch(/V/);
    expect(outline('ext:pay.example.com:443')).not.toMatch(/A/);
    expect(screen.getByTestId('osprey-tm-status')).toHaveTextContent('3 services · 1 databases · 1 externals');
  });

  it('colours nodes by the error thresholds with the theme’s green, amber and red', () => {
    render(<TraceMapPanel {...props(frames())} />);
    const theme = createTheme({ colors: { mode: 'dark' } });
    const stroke = (id: string) => node(id).querySelector('[data-testid=osprey-tm-shape]')!.getAttribute('stroke');
    expect(node('gateway').dataset.health).toBe('ok');
    expect(node('shop.api').dataset.health).toBe('warn');
    expect(node('shop.cart').dataset.health).toBe('crit');
    expect(stroke('gateway')).toBe(theme.visualization.getColorByName('green'));
    expect(stroke('shop.api')).toBe(theme.visualization.getColorByName('orange'));
    expect(stroke('shop.cart')).toBe(theme.visualization.getColorByName('red'));
  });

  it('colours nodes by Apdex rating when asked, and says so in the legend and the node stats', () => {
    const rated: Topology = {
      ...small,
      nodes: small.nodes.map((n) => ({ ...n, apdex: { gateway: 0.97, 'shop.api': 0.8, 'shop.cart': 0.45 }[n.id] })),
    };
    const series = topologyFrames(rated).map((f) => toDataFrame(f));
    render(<TraceMapPanel {...props(series, { colorBy: 'apdex', groupLeaves: false })} />);
    const theme = createTheme({ colors: { mode: 'dark' } });
    const stroke = (id: string) => node(id).querySelector('[data-testid=osprey-tm-shape]')!.getAttribute('stroke');
    expect(Object.fromEntries(nodeIds().map((id) => [id, node(id!).dataset.apdex]))).toEqual({
      gateway: 'excellent',
      'shop.api': 'fair',
      'shop.cart': 'unacceptable',
      'db:postgresql:orders': 'unknown',
      'ext:pay.example.com:443': 'unknown',
    });
    expect(stroke('gateway')).toBe(theme.visualization.getColorByName('green'));
    expect(stroke('shop.api')).toBe(theme.visualization.getColorByName('orange'));
    expect(stroke('shop.cart')).toBe(theme.visualization.getColorByName('dark-red'));
    expect(stroke('db:postgresql:orders')).toBe(theme.colors.border.strong);
    // The error health stays on the node for what else reads it.
    expect(node('shop.cart').dataset.health).toBe('crit');
    expect(screen.getAllByTestId('osprey-tm-legend-item').map((i) => i.textContent)).toEqual([
      '≥ 0.94 excellent',
      '≥ 0.85 good',
      '≥ 0.7 fair',
      '≥ 0.5 poor',
      '< 0.5 unacceptable',
    ]);
    expect(node('shop.cart')).toHaveTextContent('4.00/s · Apdex 0.45 · 25% err');
  });

  it('follows the options’ thresholds', () => {
    render(<TraceMapPanel {...props(frames(), { errorWarnPercent: 3, errorCritPercent: 30, p95WarnMs: 50 })} />);
    expect(node('shop.api').dataset.health).toBe('warn');
    expect(node('shop.cart').dataset.health).toBe('warn');
    expect(node('gateway').dataset.health).toBe('ok');
  });

  it('labels edges with calls/s, error % and p95', () => {
    render(<TraceMapPanel {...props(frames())} />);
    const labels = screen.getAllByTestId('osprey-tm-edge-label').map((l) => l.textContent);
    expect(labels).toContain('4.00/s · 25% err · p95 310 ms');
    expect(labels).toHaveLength(4);
  });

  it('links a node to the template URL, with dashboard variables replaced', () => {
    render(<TraceMapPanel {...props(frames(), { linkTemplate: '/d/svc?var-service=${name}&var-env=$env' })} />);
    expect(node('shop.cart').getAttribute('href')).toBe('/d/svc?var-service=shop.cart&var-env=prod');
    expect(node('shop.cart').tagName.toLowerCase()).toBe('a');
  });

  it('prefers the frame’s data link, and runs its onClick', () => {
    const series = frames();
    const onClick = jest.fn();
    const title = series[0].fields.find((f) => f.name === 'title')!;
    title.config.links = [{ title: 'Explore', url: '/explore?q=${__value.raw}' }];
    title.getLinks = ({ valueRowIndex }: { valueRowIndex?: number } = {}): LinkModel[] => [
      { href: `/explore?q=${title.values[valueRowIndex!]}`, title: 'Explore', target: '_self', origin: title, onClick },
    ];
    render(<TraceMapPanel {...props(series)} />);
    expect(node('shop.api').getAttribute('href')).toBe('/explore?q=shop.api');
    fireEvent.click(node('shop.api'));
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('has no link when the template is empty', () => {
    render(<TraceMapPanel {...props(frames(), { linkTemplate: '' })} />);
    expect(node('gateway').tagName.toLowerCase()).toBe('g');
    expect(node('gateway').getAttribute('href')).toBeNull();
  });

  it('hovering a node dims everything but its neighbours and their edges', () => {
    render(<TraceMapPanel {...props(frames())} />);
    fireEvent.mouseEnter(node('shop.cart'));
    const dimmed = nodeIds().filter((id) => node(id!).dataset.dimmed === 'true');
    expect(dimmed.sort()).toEqual(['db:postgresql:orders', 'gateway']);
    const edgeOpacity = Object.fromEntries(
      screen
        .getAllByTestId('osprey-tm-edge')
        .map((e) => [
          `${e.dataset.source}->${e.dataset.target}`,
          e.querySelector('path')!.getAttribute('stroke-opacity'),
        ])
    );
    expect(edgeOpacity).toEqual({
      'gateway->shop.api': '0.12',
      'shop.api->shop.cart': '1',
      'shop.api->db:postgresql:orders': '0.12',
      'shop.cart->ext:pay.example.com:443': '1',
    });
    fireEvent.mouseLeave(node('shop.cart'));
    expect(nodeIds().filter((id) => node(id!).dataset.dimmed === 'true')).toEqual([]);
  });

  it('collapses a namespace into one node and expands it on click', () => {
    render(<TraceMapPanel {...props(frames(), { namespaces: 'collapse' })} />);
    expect(nodeIds()).not.toContain('shop.api');
    const ns = node('namespace:shop');
    expect(ns.dataset.group).toBe('namespace');
    expect(ns.dataset.health).toBe('crit');
    fireEvent.click(ns);
    expect(nodeIds()).toEqual(expect.arrayContaining(['shop.api', 'shop.cart']));
    expect(nodeIds()).not.toContain('namespace:shop');
  });

  it('groups the leaves of a big topology, and zooms with the buttons and the wheel', () => {
    const topology = generateTopology({ services: 60 });
    render(<TraceMapPanel {...props(topologyFrames(topology).map((f) => toDataFrame(f)))} />);
    const services = document.querySelectorAll('[data-testid=osprey-tm-node][data-kind=service]');
    expect(services).toHaveLength(60);
    expect(document.querySelectorAll('[data-group=leaves]').length).toBeGreaterThan(0);
    expect(nodeIds().length).toBeLessThan(topology.nodes.length);
    expect(screen.getByTestId('osprey-tm-status')).toHaveTextContent('boxes after grouping');

    const svg = screen.getByTestId('osprey-tm-svg');
    const scale = () => Number(svg.dataset.scale);
    const fitted = scale();
    fireEvent.click(screen.getByTestId('osprey-tm-zoom-in'));
    expect(scale()).toBeCloseTo(fitted * 1.4);
    act(() => {
      svg.dispatchEvent(new WheelEvent('wheel', { deltaY: -200, clientX: 10, clientY: 10, cancelable: true }));
    });
    expect(scale()).toBeGreaterThan(fitted * 1.4);
    fireEvent.click(screen.getByTestId('osprey-tm-fit'));
    expect(scale()).toBeCloseTo(fitted);
  });
});
