import { OtlpValidationError } from './errors';
import { decimalDifference, decimalUint64, StringTable, uint64, WireReader } from './wire-reader';

const halves = (value: bigint): [number, number] => [Number(value & BigInt(0xffffffff)), Number(value >> BigInt(32))];

const UINT64_VALUES = [
  '0',
  '1',
  '999999999',
  '1000000000',
  '4294967295',
  '4294967296',
  '9007199254740991',
  '9007199254740993',
  '1763800000123456789',
  '10000000000000000000',
  '18446744073709551615',
].map(BigInt);

describe('decimalUint64 and decimalDifference', () => {
  it.each(UINT64_VALUES)('%s prints as BigInt prints it', (value) => {
    const [lo, hi] = halves(value);
    expect(uint64(lo, hi)).toBe(value);
    expect(decimalUint64(lo, hi)).toBe(value.toString());
  });

  it('subtracts exactly, past 2^53 too', () => {
    for (const start of UINT64_VALUES) {
      for (const end of UINT64_VALUES.filter((v) => v >= start)) {
        expect(decimalDifference(...halves(end), ...halves(start))).toBe((end - start).toString());
      }
    }
  });
});

describe('WireReader', () => {
  const reader = (...bytes: number[]) => new WireReader(Uint8Array.from(bytes), 'TestMessage');

  it.each([
    [[0x00], 0],
    [[0x96, 0x01], 150],
    [[0xff, 0xff, 0xff, 0xff, 0x0f], 4294967295],
    // A negative int32 is sent as ten bytes; its low 32 bits are the value.
    [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 4294967295],
  ])('reads the varint %j as %d', (bytes, value) => {
    const r = reader(...bytes);
    expect(r.uint32(bytes.length)).toBe(value);
    expect(r.pos).toBe(bytes.length);
  });

  it('reads a 64-bit varint into its halves', () => {
    const r = reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    r.varint64(10);
    expect([r.lo, r.hi]).toEqual([0xffffffff, 0xffffffff]);
  });

  it.each([
    ['a varint cut short', () => reader(0x80, 0x80).uint32(2), /truncated varint at offset 0/],
    ['a varint past its message end', () => reader(0x80, 0x01).uint32(1), /truncated varint/],
    ['a length past its message end', () => reader(0x03, 0x61, 0x62).delimited(3), /length 3 at offset 0 runs past/],
    ['a fixed64 cut short', () => reader(1, 2, 3).fixed64(3), /8-byte value at offset 0 runs past/],
    ['wire type 7', () => reader().skip(7, 0), /invalid wire type 7/],
    ['an unmatched end group', () => reader().skip(4, 0), /invalid wire type 4/],
  ])('refuses %s', (_name, read, message) => {
    expect(read).toThrow(OtlpValidationError);
    expect(read).toThrow(message);
    expect(read).toThrow(/^body is not a protobuf TestMessage: /);
  });

  it('skips nested groups up to their end', () => {
    // group 1 { varint field 2; group 3 { fixed32 field 4 } } then a varint the caller reads next.
    const r = reader(0x0b, 0x10, 0x01, 0x1b, 0x25, 1, 2, 3, 4, 0x1c, 0x0c, 0x2a);
    r.uint32(12);
    r.skip(3, 12);
    expect(r.pos).toBe(11);
  });
});

describe('StringTable', () => {
  it('returns the first string for the same bytes and tells different bytes apart', () => {
    const text = Buffer.from('http.route|http.route|http.rout3|a-long-attribute-key-that-is-longer-than-16');
    const strings = new StringTable(new WireReader(text, 'TestMessage'));
    const first = strings.get(0, 10);
    expect(strings.get(11, 21)).toBe(first);
    expect(strings.get(22, 32)).toBe('http.rout3');
    expect(strings.get(33, text.length)).toBe('a-long-attribute-key-that-is-longer-than-16');
  });

  it('tells apart strings that differ only between their first and last 8 bytes', () => {
    const text = Buffer.from('prefix00-middle-1-suffix00prefix00-middle-2-suffix00');
    const strings = new StringTable(new WireReader(text, 'TestMessage'));
    expect([strings.get(0, 26), strings.get(26, 52), strings.get(0, 26)]).toEqual([
      'prefix00-middle-1-suffix00',
      'prefix00-middle-2-suffix00',
      'prefix00-middle-1-suffix00',
    ]);
  });
});
