import path from 'node:path';

import { Database } from '../db';
import { HttpError, type Route } from '../http-server';
import { PRODUCT_COUNT } from '../topology';
import type { ServiceEnv, ServiceInstance } from './types';

const SCHEMA = [
  'CREATE OR REPLACE TABLE products (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, price_cents INTEGER NOT NULL)',
  'CREATE OR REPLACE TABLE reviews (id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, author VARCHAR, stars INTEGER, body VARCHAR)',
  `INSERT INTO products SELECT i, 'Product ' || i, 500 + (i * 137) % 9500 FROM range(1, ${PRODUCT_COUNT + 1}) t(i)`,
  // Review counts 0..22 per product, so product pages differ in how many queries they cost.
  `INSERT INTO reviews SELECT row_number() OVER (), p.i, 'user-' || (r.j % 40 + 1), 1 + (p.i + r.j) % 5, 'review ' || r.j
     FROM range(1, ${PRODUCT_COUNT + 1}) p(i), range(0, 30) r(j) WHERE r.j < (p.i * 7) % 23`,
];

export async function catalog(env: ServiceEnv): Promise<ServiceInstance> {
  const db = await Database.open(path.join(env.dbDir, 'catalog.duckdb'), 'catalog');
  await db.setup(SCHEMA);
  const routes: Route[] = [
    {
      method: 'GET',
      pattern: '/products',
      handler: async (req) => {
        const ids = req.query.get('ids');
        const rows =
          ids === null
            ? await db.query('SELECT id, name, price_cents FROM products ORDER BY id LIMIT 8')
            : await db.query(
                "SELECT id, name, price_cents FROM products WHERE id IN (SELECT unnest(string_split(?, ',')::INTEGER[]))",
                [ids]
              );
        return { status: 200, body: { products: rows } };
      },
    },
    {
      method: 'GET',
      pattern: '/products/:id',
      handler: async (req) => {
        const id = Number(req.params.id);
        if (!Number.isInteger(id)) {
          throw new HttpError(400, `bad product id ${req.params.id}`);
        }
        const [product] = await db.query('SELECT id, name, price_cents FROM products WHERE id = ?', [id]);
        if (product === undefined) {
          throw new HttpError(404, `no product ${id}`);
        }
        // Deliberately N+1: one query per review, the classic pattern an APM's sqlCount exposes.
        const reviewIds = await db.query('SELECT id FROM reviews WHERE product_id = ? ORDER BY id', [id]);
        const reviews = [];
        for (const { id: reviewId } of reviewIds) {
          const [review] = await db.query('SELECT author, stars, body FROM reviews WHERE id = ?', [reviewId as number]);
          reviews.push(review);
        }
        return { status: 200, body: { product, reviews } };
      },
    },
  ];
  return { routes, close: () => db.close() };
}
