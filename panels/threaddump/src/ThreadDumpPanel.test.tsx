import { dateTime, EventBusSrv, LoadingState, type DataFrame, type PanelProps } from '@grafana/data';
import { fireEvent, render, screen, within } from '@testing-library/react';

import { diffFrame, dumpFrame } from './testFrames';
import { ThreadDumpPanel } from './ThreadDumpPanel';
import { DEFAULT_OPTIONS, type ThreadDumpOptions } from './types';

const from = dateTime(1_763_800_000_000);
const to = dateTime(1_763_800_060_000);
const timeRange = { from, to, raw: { from, to } };

function props(series: DataFrame[], options: Partial<ThreadDumpOptions> = {}): PanelProps<ThreadDumpOptions> {
  return {
    id: 1,
    data: { series, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    fieldConfig: { defaults: {}, overrides: [] },
    width: 900,
    height: 500,
    transparent: false,
    renderCounter: 0,
    title: 'Threads',
    eventBus: new EventBusSrv(),
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s,
    onChangeTimeRange: jest.fn(),
  };
}

const frame = dumpFrame();
const rowOf = (name: string) => screen.getAllByTestId('osprey-td-row').find((r) => r.dataset.thread === name)!;
const shownNames = () => screen.getAllByTestId('osprey-td-row').map((r) => r.dataset.thread);

describe('ThreadDumpPanel with jdk17/jstack-l.txt', () => {
  it('shows the deadlock banner with the cycle', () => {
    render(<ThreadDumpPanel {...props([frame])} />);
    const banners = screen.getAllByTestId('osprey-td-deadlock');
    expect(banners).toHaveLength(1);
    const cycle = within(banners[0]).getByTestId('osprey-td-deadlock-cycle').textContent!;
    const names = cycle.split(' → ');
    expect(names).toHaveLength(4);
    expect(names[0]).toBe(names[3]);
    expect([...names.slice(0, 3)].sort()).toEqual(['cart-worker', 'payment-worker', 'shipping-worker']);
    // Each thread waits for the next: cart-worker waits on payment-worker's lock.
    const i = names.indexOf('cart-worker');
    expect(names[i + 1] ?? names[1]).toBe('payment-worker');
    expect(within(banners[0]).getByText(/Deadlock \(monitor\): 3 threads/)).toBeInTheDocument();
  });

  it('clicking a BLOCKED thread’s lock highlights its owner row', () => {
    render(<ThreadDumpPanel {...props([frame])} />);
    expect(document.querySelector('[data-highlighted=true]')).toBeNull();
    const lock = within(rowOf('cart-worker')).getByTestId('osprey-td-lock');
    expect(lock.dataset.owner).toBe('payment-worker');
    fireEvent.click(lock);
    const highlighted = document.querySelectorAll('[data-highlighted=true]');
    expect(highlighted).toHaveLength(1);
    expect((highlighted[0] as HTMLElement).dataset.thread).toBe('payment-worker');
  });

  it('jumping to an owner the filter hides clears the filter', () => {
    render(<ThreadDumpPanel {...props([frame])} />);
    fireEvent.change(screen.getByPlaceholderText('Search name or frame'), { target: { value: 'cart-worker' } });
    expect(shownNames()).toEqual(['cart-worker']);
    fireEvent.click(within(rowOf('cart-worker')).getByTestId('osprey-td-lock'));
    expect(shownNames().length).toBe(frame.length);
    expect(rowOf('payment-worker').dataset.highlighted).toBe('true');
  });

  it('filters by state chips with counts', () => {
    render(<ThreadDumpPanel {...props([frame])} />);
    const chip = screen.getByTestId('osprey-td-state-BLOCKED');
    const count = Number(chip.querySelector('b')!.textContent);
    expect(count).toBeGreaterThanOrEqual(3);
    fireEvent.click(chip);
    expect(chip).toHaveAttribute('aria-pressed', 'true');
    expect(shownNames()).toHaveLength(count);
    expect(screen.getByTestId('osprey-td-shown')).toHaveTextContent(`${count} of ${frame.length} threads`);
    fireEvent.click(chip);
    expect(shownNames()).toHaveLength(frame.length);
  });

  it('searches by frame and expands a stack', () => {
    render(<ThreadDumpPanel {...props([frame])} />);
    fireEvent.change(screen.getByPlaceholderText('Search name or frame'), {
      target: { value: 'ReentrantReadWriteLock' },
    });
    const names = shownNames();
    expect(names.length).toBeGreaterThanOrEqual(5);
    expect(names.length).toBeLessThan(frame.length);
    expect(screen.queryByTestId('osprey-td-stack')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: `Show stack of ${names[0]}` }));
    expect(screen.getByTestId('osprey-td-stack')).toHaveTextContent('at ');
  });

  it('shows identical-stack groups, most common first', () => {
    render(<ThreadDumpPanel {...props([frame], { view: 'groups' })} />);
    const groups = screen.getAllByTestId('osprey-td-group');
    expect(groups.length).toBeGreaterThan(1);
    expect(groups[0].querySelector('summary b')!.textContent).toBe('200');
  });
});

describe('ThreadDumpPanel compare mode', () => {
  it('shows new/gone/changed counts and the CPU delta of the busy thread', () => {
    render(<ThreadDumpPanel {...props([diffFrame()])} />);
    expect(screen.getByTestId('osprey-td-compare')).toHaveTextContent(/td-a → td-b/);
    const busy = screen.getAllByTestId('osprey-td-diff-row').find((r) => r.dataset.thread === 'busy-hasher')!;
    expect(within(busy).getByTestId('osprey-td-cpu-delta').textContent).toMatch(/^\+\d+(\.\d+)? (ms|s)$/);
  });

  it('says what it needs without a thread-dump frame', () => {
    render(<ThreadDumpPanel {...props([])} />);
    expect(screen.getByText(/No thread dump in the data/)).toBeInTheDocument();
  });
});
