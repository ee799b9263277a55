import path from 'node:path';

import { SpanKind, trace } from '@opentelemetry/api';

import { Database } from '../db';
import { requestJson } from '../http-client';
import { HttpError, type Route } from '../http-server';
import { PRODUCT_COUNT } from '../topology';
import { required, type ServiceEnv, type ServiceInstance } from './types';

const tracer = trace.getTracer('osprey-demo-checkout');

export interface OrderItem {
  productId: number;
  quantity: number;
}

/** Validates an order request body; throws a 400 naming what is wrong. */
export function parseOrder(body: unknown): { userId: string; items: OrderItem[] } {
  const { userId, items } = (body ?? {}) as { userId?: unknown; items?: unknown };
  if (typeof userId !== 'string' || userId === '') {
    throw new HttpError(400, 'userId is required');
  }
  if (!Array.isArray(items) || items.length === 0) {
    throw new HttpError(400, 'items must be a non-empty array');
  }
  const parsed = items.map((item: { productId?: unknown; quantity?: unknown }) => {
    if (!Number.isInteger(item?.productId) || !Number.isInteger(item?.quantity) || (item.quantity as number) < 1) {
      throw new HttpError(400, 'each item needs an integer productId and a quantity ≥ 1');
    }
    return { productId: item.productId as number, quantity: item.quantity as number };
  });
  return { userId, items: parsed };
}

const SCHEMA = [
  'CREATE SEQUENCE IF NOT EXISTS order_ids',
  'CREATE OR REPLACE TABLE orders (id INTEGER PRIMARY KEY, user_id VARCHAR, amount_cents INTEGER, status VARCHAR, created_at TIMESTAMP)',
  'CREATE OR REPLACE TABLE order_items (order_id INTEGER, product_id INTEGER, quantity INTEGER)',
  // The CHECK makes an oversold item fail the order for real (a constraint error → 500).
  'CREATE OR REPLACE TABLE inventory (product_id INTEGER PRIMARY KEY, stock INTEGER NOT NULL CHECK (stock >= 0))',
  `INSERT INTO inventory SELECT i, (i * 13) % 40 FROM range(1, ${PRODUCT_COUNT + 1}) t(i)`,
];

/** Restocking lags demand a little, so a popular item now and then sells out mid-checkout. */
const RESTOCK_EVERY_MS = 5_000;

export async function checkout(env: ServiceEnv): Promise<ServiceInstance> {
  const catalogUrl = required(env.catalogUrl, 'CATALOG_URL');
  const paymentsUrl = required(env.paymentsUrl, 'PAYMENTS_URL');
  const db = await Database.open(path.join(env.dbDir, 'orders.duckdb'), 'orders');
  await db.setup(SCHEMA);

  // A background job, not a request: its root INTERNAL span becomes a 'background' transaction.
  const restock = setInterval(() => {
    tracer.startActiveSpan('restock inventory', { kind: SpanKind.INTERNAL }, (span) => {
      db.query('UPDATE inventory SET stock = stock + 8 WHERE stock < 4')
        .catch(() => undefined)
        .finally(() => span.end());
    });
  }, RESTOCK_EVERY_MS);

  const routes: Route[] = [
    {
      method: 'POST',
      pattern: '/orders',
      handler: async (req) => {
        const { userId, items } = parseOrder(req.body);
        trace.getActiveSpan()?.setAttribute('enduser.id', userId);
        const ids = items.map((i) => i.productId).join(',');
        const priced = await requestJson('GET', `${catalogUrl}/products?ids=${ids}`);
        if (priced.status !== 200) {
          throw new Error(`catalog answered ${priced.status} for prices`);
        }
        const prices = new Map(
          (priced.body as { products: Array<{ id: number; price_cents: number }> }).products.map((p) => [
            p.id,
            p.price_cents,
          ])
        );
        const missing = items.find((i) => !prices.has(i.productId));
        if (missing) {
          throw new HttpError(400, `no product ${missing.productId}`);
        }
        const amountCents = items.reduce((sum, i) => sum + i.quantity * (prices.get(i.productId) ?? 0), 0);
        const [{ id }] = await db.query("SELECT nextval('order_ids')::INTEGER AS id");
        const orderId = id as number;
        await db.query("INSERT INTO orders VALUES (?, ?, ?, 'pending', now())", [orderId, userId, amountCents]);
        for (const item of items) {
          await db.query('INSERT INTO order_items VALUES (?, ?, ?)', [orderId, item.productId, item.quantity]);
          await db.query('UPDATE inventory SET stock = stock - ? WHERE product_id = ?', [
            item.quantity,
            item.productId,
          ]);
        }
        const charge = await requestJson('POST', `${paymentsUrl}/charge`, { orderId, userId, amountCents });
        const status = charge.status === 200 ? 'paid' : charge.status === 402 ? 'declined' : 'failed';
        await db.query('UPDATE orders SET status = ? WHERE id = ?', [status, orderId]);
        if (status !== 'paid') {
          const reason = (charge.body as { message?: string } | undefined)?.message ?? `status ${charge.status}`;
          throw new HttpError(
            502,
            `payment ${status}: ${reason}`,
            status === 'declined' ? 'PaymentDeclined' : 'PaymentFailed'
          );
        }
        return { status: 201, body: { orderId, amountCents } };
      },
    },
  ];
  return {
    routes,
    close: () => {
      clearInterval(restock);
      db.close();
    },
  };
}
