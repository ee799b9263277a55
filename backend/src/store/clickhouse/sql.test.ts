import { num, str, strList } from './sql';

describe('str', () => {
  it.each([
    ['plain', "'plain'"],
    ['', "''"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ["\\'", "'\\\\\\''"],
    ["'; DROP TABLE spans; --", "'\\'; DROP TABLE spans; --'"],
    ['nul\0byte', "'nul\\0byte'"],
    ['line\nbreak\r\ttab', "'line\\nbreak\\r\\ttab'"],
    ['\b\f', "'\\b\\f'"],
    ['ünïcødé 🦅 中文', "'ünïcødé 🦅 中文'"],
    ['{p:String}', "'{p:String}'"],
  ])('%j → %s', (value, literal) => {
    expect(str(value)).toBe(literal);
  });
});

describe('num', () => {
  it.each([
    [0, '0'],
    [-1.5, '-1.5'],
    [1700000000123.25, '1700000000123.25'],
    [1e21, '1e+21'],
    [BigInt('18446744073709551615'), '18446744073709551615'],
  ])('%p → %s', (value, literal) => {
    expect(num(value)).toBe(literal);
  });

  it.each([NaN, Infinity, -Infinity])('refuses %p', (value) => {
    expect(() => num(value)).toThrow('not a finite number');
  });
});

describe('strList', () => {
  it('quotes each value', () => {
    expect(strList(['a', "b'c"])).toBe("('a', 'b\\'c')");
  });

  it('refuses an empty list, which is not valid SQL', () => {
    expect(() => strList([])).toThrow('empty IN list');
  });
});
