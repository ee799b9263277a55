import { parseSloList } from './config';

const pay = {
  name: 'pay',
  service: 'shop',
  endpoint: 'POST /pay',
  objective: 'availability',
  target: 99.9,
  window: '30d',
};

describe('parseSloList', () => {
  it('reads availability and latency SLOs, with the window in ms', () => {
    const slos = parseSloList([
      pay,
      { ...pay, name: 'pay-fast', objective: 'latency', target: 99, thresholdMs: 500, window: '4w' },
    ]);
    expect(slos).toEqual([
      { ...pay, windowMs: 30 * 86_400_000 },
      {
        ...pay,
        name: 'pay-fast',
        objective: 'latency',
        target: 99,
        thresholdMs: 500,
        window: '4w',
        windowMs: 28 * 86_400_000,
      },
    ]);
  });

  it.each<[string, unknown, string]>([
    ['not a list', { pay }, 'slos must be array'],
    ['an unknown key', [{ ...pay, goal: 1 }], 'slos[0] must NOT have additional properties'],
    ['a missing target', [{ ...pay, target: undefined }], "slos[0] must have required property 'target'"],
    ['a target of 100 %', [{ ...pay, target: 100 }], 'slos[0].target must be < 100'],
    [
      'an unknown objective',
      [{ ...pay, objective: 'throughput' }],
      'slos[0].objective must be equal to one of the allowed values: availability, latency',
    ],
    ['a name Prometheus cannot label', [{ ...pay, name: 'pay me' }], 'slos[0].name must match pattern'],
    ['two SLOs of one name', [pay, pay], 'slos: two SLOs named "pay"'],
    [
      'a window that is no duration',
      [{ ...pay, window: 'a month' }],
      'slos: pay: window must be a duration from 3d to 90d such as 30d, got "a month"',
    ],
    [
      'a window shorter than the slowest burn-rate window',
      [{ ...pay, window: '1d' }],
      'window must be a duration from 3d to 90d',
    ],
    [
      'a latency SLO without threshold',
      [{ ...pay, objective: 'latency' }],
      'slos: pay: thresholdMs is required for a latency SLO',
    ],
    [
      'a threshold on availability',
      [{ ...pay, thresholdMs: 500 }],
      'thresholdMs is required for a latency SLO and applies to latency SLOs only',
    ],
    [
      'a threshold /metrics has no bucket edge for',
      [{ ...pay, objective: 'latency', thresholdMs: 400 }],
      'slos[0].thresholdMs must be equal to one of the allowed values: 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 2500, 3000, 5000, 8000, 10000, 30000, 60000',
    ],
  ])('refuses %s', (_name, value, message) => {
    expect(() => parseSloList(value)).toThrow(message);
  });
});
