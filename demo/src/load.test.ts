import { pickRequest, statusClass } from './load';
import { PRODUCT_COUNT } from './topology';

/** A deterministic stand-in for Math.random: replays the given values in order. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('pickRequest', () => {
  it.each([
    [[0.1, 0.9], { method: 'GET', path: '/', cookie: undefined }],
    [[0.1, 0.5, 0], { method: 'GET', path: '/', cookie: 'session=user-1' }],
    [[0.5, 0.9, 0.99], { method: 'GET', path: `/product/${PRODUCT_COUNT + 5}` }],
    [[0.5, 0.9, 0], { method: 'GET', path: '/product/1' }],
  ])('%j → %j', (values, expected) => {
    expect(pickRequest(sequence(...values))).toMatchObject(expected);
  });

  it('checks out as a signed-in user with 1–3 items of known products', () => {
    const req = pickRequest(sequence(0.9, 0.9, 0.99, 0.5));
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/checkout');
    expect(req.cookie).toMatch(/^session=user-\d+$/);
    const { items } = req.body as { items: Array<{ productId: number; quantity: number }> };
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(items.length).toBeLessThanOrEqual(3);
    for (const item of items) {
      expect(item.productId).toBeGreaterThanOrEqual(1);
      expect(item.productId).toBeLessThanOrEqual(PRODUCT_COUNT);
    }
  });

  it('mixes home, product and checkout requests roughly 30/45/25', () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4000; i += 1) {
      const { path } = pickRequest(Math.random);
      const key = path.startsWith('/product/') ? 'product' : path;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts['/'] / 4000).toBeCloseTo(0.3, 1);
    expect(counts.product / 4000).toBeCloseTo(0.45, 1);
    expect(counts['/checkout'] / 4000).toBeCloseTo(0.25, 1);
  });
});

describe('statusClass', () => {
  it.each([
    [200, '2xx'],
    [201, '2xx'],
    [404, '4xx'],
    [502, '5xx'],
    [undefined, 'failed'],
  ])('%s → %s', (status, cls) => {
    expect(statusClass(status)).toBe(cls);
  });
});
