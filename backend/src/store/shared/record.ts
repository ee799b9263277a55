import { buf as crc32 } from 'crc-32';

/**
 * One ingest-log record on disk: an 8-byte header (payload length, CRC-32 of the payload, both
 * little-endian u32) and the payload. The checksum is what tells a record that reached the disk
 * whole from one a kill or a power cut tore: a torn tail is cut, never half-loaded.
 */
export const HEADER_BYTES = 8;

/**
 * Payloads are request bodies: the largest accepted body is 1 GiB (--max-body-bytes), plus its
 * tags and an upload's meta (log-payload.ts: names from its query string, which Node caps with the
 * headers at 16 KiB).
 */
export const MAX_PAYLOAD_BYTES = 1024 ** 3 + 64 * 1024;

const checksum = (payload: Uint8Array): number => crc32(payload) >>> 0;

/** The header of `payload`, to be written right before it. */
export function recordHeader(payload: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(checksum(payload), 4);
  return header;
}

/** Why a segment's records end where they do: its end, or the first damaged record. */
export type SegmentEnd =
  | { kind: 'end' }
  | { kind: 'torn-header'; offset: number }
  | { kind: 'torn-payload'; offset: number; length: number }
  | { kind: 'bad-length'; offset: number; length: number }
  | { kind: 'bad-checksum'; offset: number };

export interface ParsedRecord {
  /** Byte offset of the record's header in the segment. */
  offset: number;
  /** Byte offset just past the record. */
  end: number;
  payload: Buffer;
}

/**
 * The whole records of a segment's bytes, in order, and where they stop. Everything from a damaged
 * record on is left out (records after a bad one cannot be trusted to start where its header says).
 */
export function parseRecords(bytes: Buffer): { records: ParsedRecord[]; validBytes: number; stop: SegmentEnd } {
  const records: ParsedRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < HEADER_BYTES) {
      return { records, validBytes: offset, stop: { kind: 'torn-header', offset } };
    }
    const length = bytes.readUInt32LE(offset);
    if (length === 0 || length > MAX_PAYLOAD_BYTES) {
      return { records, validBytes: offset, stop: { kind: 'bad-length', offset, length } };
    }
    const start = offset + HEADER_BYTES;
    if (bytes.length - start < length) {
      return { records, validBytes: offset, stop: { kind: 'torn-payload', offset, length } };
    }
    const payload = bytes.subarray(start, start + length);
    if (checksum(payload) !== bytes.readUInt32LE(offset + 4)) {
      return { records, validBytes: offset, stop: { kind: 'bad-checksum', offset } };
    }
    records.push({ offset, end: start + length, payload });
    offset = start + length;
  }
  return { records, validBytes: offset, stop: { kind: 'end' } };
}
