import { collectionOf, operationOf } from './db';

describe('operationOf / collectionOf', () => {
  it.each([
    ['SELECT id FROM products WHERE id = ?', 'SELECT', 'products'],
    ['  select * from reviews', 'SELECT', 'reviews'],
    ["INSERT INTO orders VALUES (?, ?, ?, 'pending', now())", 'INSERT', 'orders'],
    ['UPDATE inventory SET stock = stock - ?', 'UPDATE', 'inventory'],
    ["SELECT nextval('order_ids')::INTEGER AS id", 'SELECT', undefined],
    ['', 'QUERY', undefined],
  ])('%s → %s %s', (sql, operation, collection) => {
    expect(operationOf(sql)).toBe(operation);
    expect(collectionOf(sql)).toBe(collection);
  });
});
