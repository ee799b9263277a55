import { escapeKey, escapeMeasurement, formatFieldValue, formatPoint, type FieldValue } from './line-protocol';

describe('line protocol escaping', () => {
  it.each([
    ['plain', 'osprey_red', 'osprey_red'],
    ['space', 'osprey red', 'osprey\\ red'],
    ['comma', 'a,b', 'a\\,b'],
    ['equals needs no escape', 'a=b', 'a=b'],
    ['newline', 'a\nb', 'a\\ b'],
    ['trailing backslash', 'a\\', 'a/'],
  ])('measurement: %s', (_name, input, expected) => {
    expect(escapeMeasurement(input)).toBe(expected);
  });

  it.each([
    ['plain', 'GET_/cart', 'GET_/cart'],
    ['space', 'GET /api/cart', 'GET\\ /api/cart'],
    ['comma and equals', 'q=a,b', 'q\\=a\\,b'],
    ['backslash inside stays literal', 'C:\\temp\\x', 'C:\\temp\\x'],
    ['backslash at the end', 'C:\\temp\\', 'C:\\temp/'],
    ['backslash before a separator', 'a\\,b', 'a/\\,b'],
    ['backslash before a space', 'a\\ b', 'a/\\ b'],
    ['CR LF', 'a\r\nb', 'a\\ \\ b'],
    ['tab and unicode pass', 'a\tb✓', 'a\tb✓'],
    ['double quote passes', 'say "hi"', 'say\\ "hi"'],
  ])('tag key/value and field key: %s', (_name, input, expected) => {
    expect(escapeKey(input)).toBe(expected);
  });

  it.each<[string, FieldValue, string]>([
    ['integer', { int: 42 }, '42i'],
    ['negative integer', { int: -3 }, '-3i'],
    ['float', 12.5, '12.5'],
    ['whole float stays float', 3, '3'],
    ['tiny float', 1e-7, '1e-7'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['string', 'hello', '"hello"'],
    ['string with quote and backslash', 'a "b" \\c', '"a \\"b\\" \\\\c"'],
    ['string with comma, space, equals', 'a, b=c', '"a, b=c"'],
  ])('field value: %s', (_name, input, expected) => {
    expect(formatFieldValue(input)).toBe(expected);
  });

  it.each<[string, FieldValue]>([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['fractional integer', { int: 1.5 }],
    ['unsafe integer', { int: 2 ** 60 }],
  ])('refuses field value %s', (_name, input) => {
    expect(() => formatFieldValue(input)).toThrow(RangeError);
  });
});

describe('formatPoint', () => {
  it('sorts tags, leaves out empty ones, joins fields', () => {
    expect(
      formatPoint({
        measurement: 'osprey_red',
        tags: { service: 'cart', endpoint: 'GET /api/cart', instance: '' },
        fields: { count: { int: 3 }, errors: { int: 1 }, elapsed_sum: 12.25 },
        timestamp: 1_700_000_040_000,
      })
    ).toBe('osprey_red,endpoint=GET\\ /api/cart,service=cart count=3i,errors=1i,elapsed_sum=12.25 1700000040000');
  });

  it('writes a point without tags', () => {
    expect(formatPoint({ measurement: 'm', tags: {}, fields: { v: true }, timestamp: 0 })).toBe('m v=true 0');
  });

  it('refuses a point without fields or with a fractional timestamp', () => {
    expect(() => formatPoint({ measurement: 'm', tags: {}, fields: {}, timestamp: 0 })).toThrow('no fields');
    expect(() => formatPoint({ measurement: 'm', tags: {}, fields: { v: 1 }, timestamp: 1.5 })).toThrow('timestamp');
  });
});
