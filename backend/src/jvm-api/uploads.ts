import { analyzeThreadDump, JvmParseError, parseClassHistogram, parseThreadDump } from '../jvm';
import { HttpError } from '../server/errors';
import type { NewHeapHistogram, NewThreadDump } from '../store/store';

/**
 * What an upload's ingest-log record keeps beside the body: the route's inputs that are not in the
 * body (query string, header, the id and time it answered with). The stored row is a pure function
 * of these and the body, so the route and the replay after a crash make the same one.
 */
export interface UploadMeta {
  id: string;
  service: string;
  instance: string;
  receivedAt: number;
  contentType: string;
}

/** Runs a parser; a JvmParseError (the body is not what it claims) becomes a 400 with its message. */
function parseBody<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof JvmParseError) {
      throw new HttpError(400, 'bad_request', err.message);
    }
    throw err;
  }
}

/** A thread dump as stored, from jstack / jcmd text or jcmd JSON; undated dumps are taken when received. */
export function threadDumpUpload(meta: UploadMeta, raw: Buffer): NewThreadDump {
  const { id, service, instance, receivedAt, contentType } = meta;
  const analysed = parseBody(() => analyzeThreadDump(parseThreadDump(raw.toString('utf8'))));
  const takenAt = analysed.takenAt ?? receivedAt;
  return {
    id,
    service,
    instance,
    takenAt,
    receivedAt,
    dump: { ...analysed, service, instance, takenAt },
    raw,
    contentType,
  };
}

/** A heap histogram as stored, from jcmd GC.class_histogram text. */
export function heapHistogramUpload(meta: UploadMeta, raw: Buffer): NewHeapHistogram {
  const { id, service, instance, receivedAt } = meta;
  const histogram = parseBody(() => parseClassHistogram(raw.toString('utf8')));
  const takenAt = histogram.takenAt ?? receivedAt;
  return { id, service, instance, takenAt, receivedAt, histogram: { ...histogram, service, instance, takenAt }, raw };
}
