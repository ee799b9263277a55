import { HEADER_BYTES, parseRecords, recordHeader } from './record';

const record = (text: string) => {
  const payload = Buffer.from(text);
  return Buffer.concat([recordHeader(payload), payload]);
};

describe('ingest log records', () => {
  const whole = Buffer.concat([record('first'), record('second record'), record('third')]);
  const thirdAt = record('first').length + record('second record').length;

  it('reads back what was written, in order', () => {
    const { records, validBytes, stop } = parseRecords(whole);
    expect(records.map((r) => r.payload.toString())).toEqual(['first', 'second record', 'third']);
    expect(records.map((r) => r.end)).toEqual([HEADER_BYTES + 5, thirdAt, whole.length]);
    expect(validBytes).toBe(whole.length);
    expect(stop).toEqual({ kind: 'end' });
  });

  const flip = (bytes: Buffer, at: number) => {
    const copy = Buffer.from(bytes);
    copy[at] ^= 0x40;
    return copy;
  };
  const zeroLength = Buffer.from(whole);
  zeroLength.writeUInt32LE(0, thirdAt);

  it.each([
    ['a truncated header', whole.subarray(0, thirdAt + 3), 'torn-header'],
    ['a truncated payload', whole.subarray(0, whole.length - 1), 'torn-payload'],
    ['a flipped payload byte', flip(whole, whole.length - 2), 'bad-checksum'],
    ['a flipped checksum byte', flip(whole, thirdAt + 5), 'bad-checksum'],
    ['a length past the file', flip(whole, thirdAt + 3), 'torn-payload'],
    ['a zero length (a preallocated or zeroed tail)', zeroLength, 'bad-length'],
  ])('cuts %s at the last whole record', (_what, bytes, kind) => {
    const { records, validBytes, stop } = parseRecords(bytes);
    expect(records.map((r) => r.payload.toString())).toEqual(['first', 'second record']);
    expect(validBytes).toBe(thirdAt);
    expect(stop).toMatchObject({ kind, offset: thirdAt });
  });

  it('keeps nothing after a damaged record, even whole records', () => {
    const bytes = flip(whole, HEADER_BYTES + 1);
    const { records, validBytes, stop } = parseRecords(bytes);
    expect(records).toEqual([]);
    expect(validBytes).toBe(0);
    expect(stop).toEqual({ kind: 'bad-checksum', offset: 0 });
  });
});
