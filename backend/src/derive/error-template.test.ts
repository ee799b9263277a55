import { errorTypeKey, MAX_TEMPLATE_CHARS, messageTemplate } from './error-template';

describe('messageTemplate', () => {
  // [where the message comes from, the message as recorded on the span, its template]
  const cases: Array<[string, string, string]> = [
    // The demo's own errors (demo/src/services).
    ['demo catalog', 'no product 42', 'no product <n>'],
    ['demo catalog', 'bad product id abc', 'bad product id abc'],
    ['demo checkout', 'catalog answered 503 for prices', 'catalog answered <n> for prices'],
    ['demo checkout', 'payment declined: card expired', 'payment declined: card expired'],
    ['demo frontend', 'checkout failed: payment failed: status 500', 'checkout failed: payment failed: status <n>'],
    [
      'demo checkout',
      'each item needs an integer productId and a quantity ≥ 1',
      'each item needs an integer productId and a quantity ≥ <n>',
    ],
    ['demo server', 'no route for GET /api/products/17/reviews', 'no route for GET /api/products/<n>/reviews'],
    // Java
    ['java', 'Index 5 out of bounds for length 3', 'Index <n> out of bounds for length <n>'],
    ['java', 'For input string: "12a"', 'For input string: "?"'],
    ['java', 'Connection refused: localhost/127.0.0.1:5432', 'Connection refused: localhost/<n>'],
    ['java', 'Read timed out after 30000ms', 'Read timed out after <n>ms'],
    ['java', 'Cannot invoke "String.length()" because "<local1>" is null', 'Cannot invoke "?" because "?" is null'],
    [
      'java',
      'Unable to acquire JDBC Connection; HikariPool-1 - Connection is not available, request timed out after 30005ms.',
      'Unable to acquire JDBC Connection; HikariPool-<n> - Connection is not available, request timed out after <n>ms.',
    ],
    ['java', 'No value present', 'No value present'],
    ['java', 'Order 9f1c2e4a-77b0-4c1d-9a57-0d3b2f6e8a11 not found', 'Order <uuid> not found'],
    ['java', 'java.io.IOException: Broken pipe', 'java.io.IOException: Broken pipe'],
    // PostgreSQL / MySQL driver errors
    [
      'postgresql',
      'duplicate key value violates unique constraint "users_email_key"',
      'duplicate key value violates unique constraint "?"',
    ],
    ['postgresql', 'relation "orderz" does not exist', 'relation "?" does not exist'],
    ['postgresql', 'canceling statement due to statement timeout', 'canceling statement due to statement timeout'],
    ['postgresql', 'deadlock detected', 'deadlock detected'],
    ['mysql', "Duplicate entry 'alice@example.com' for key 'users.email'", "Duplicate entry '?' for key '?'"],
    ['mysql', "Table 'shop.orderz' doesn't exist", "Table '?' doesn't exist"],
    // Node.js
    ['node', 'connect ECONNREFUSED 127.0.0.1:6379', 'connect ECONNREFUSED <n>'],
    ['node', "Cannot read properties of undefined (reading 'id')", "Cannot read properties of undefined (reading '?')"],
    ['node', 'timeout of 5000ms exceeded', 'timeout of <n>ms exceeded'],
    ['node', 'getaddrinfo ENOTFOUND payments.internal', 'getaddrinfo ENOTFOUND payments.internal'],
    ['node', 'Unexpected token < in JSON at position 0', 'Unexpected token < in JSON at position <n>'],
    // ids, hex and times
    ['mongo', 'no document with _id 65a1f0c2e4b0a1b2c3d4e5f6', 'no document with _id <hex>'],
    ['trace', 'upstream failed for trace 4bf92f3577b34da6a3ce929d0e0e4736', 'upstream failed for trace <hex>'],
    ['pointer', 'segfault at 0x7ffd5e8c', 'segfault at <hex>'],
    ['stripe', 'No such customer: cus_9s6XKzkNRiz8i3', 'No such customer: cus_<id>'],
    ['id', 'user u-17 has no cart sku-12-3', 'user u-<n> has no cart sku-<n>-<n>'],
    ['time', 'token expired at 2026-12-07T01:02:03.123Z', 'token expired at <time>'],
    ['amount', 'amount -12.50 exceeds limit 1,000', 'amount <n> exceeds limit <n>'],
    ['rate', 'disk 97% full', 'disk <n>% full'],
    // names with numbers stay
    ['names', 'unsupported encoding utf16 for sha256 over http2', 'unsupported encoding utf16 for sha256 over http2'],
    ['names', 'int32 overflow in field v8', 'int32 overflow in field v8'],
    // whitespace
    ['multi-line', 'first line\n   second\tline  ', 'first line second line'],
    ['empty', '', ''],
  ];

  it.each(cases)('%s: %j', (_, message, template) => {
    expect(messageTemplate(message)).toBe(template);
  });

  it('gives one template to the occurrences of one error', () => {
    expect(messageTemplate('no product 42')).toBe(messageTemplate('no product 7'));
    expect(messageTemplate('catalog answered 503 for prices')).toBe(messageTemplate('catalog answered 404 for prices'));
    expect(messageTemplate('no product 42')).not.toBe(messageTemplate('bad product id 42'));
  });

  it('cuts a long message', () => {
    const template = messageTemplate(`payload ${'x'.repeat(5000)}`);
    expect(template).toHaveLength(MAX_TEMPLATE_CHARS + 1);
    expect(template.endsWith('…')).toBe(true);
  });
});

describe('errorTypeKey', () => {
  it('is stable and tells services, types and templates apart', () => {
    const key = errorTypeKey('cart', 'NotFound', 'no product <n>');
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(errorTypeKey('cart', 'NotFound', 'no product <n>')).toBe(key);
    expect(errorTypeKey('shop', 'NotFound', 'no product <n>')).not.toBe(key);
    expect(errorTypeKey('cart', 'Error', 'no product <n>')).not.toBe(key);
    expect(errorTypeKey('cart', 'NotFound', 'no product')).not.toBe(key);
  });
});
