import { FieldType, type DataFrame, type Field } from '@grafana/data';

type Values = Field['values'];

/** Codes into a dictionary: one answer's enum column, or one record batch of it. */
export interface EnumPart {
  codes: ArrayLike<number>;
  text: readonly string[];
}

const sameText = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Enum columns → one: parts with the same dictionary keep their code type and are copied once;
 * different dictionaries are merged and the codes remapped (Int32).
 */
export function joinEnums(parts: EnumPart[], length: number): { codes: ArrayLike<number>; text: string[] } {
  const first = parts[0];
  if (parts.every((p) => sameText(p.text, first.text)) && ArrayBuffer.isView(first.codes)) {
    if (parts.length === 1) {
      return { codes: first.codes, text: [...first.text] };
    }
    const codes = new (first.codes.constructor as Int32ArrayConstructor)(length);
    let at = 0;
    for (const part of parts) {
      codes.set(part.codes, at);
      at += part.codes.length;
    }
    return { codes, text: [...first.text] };
  }
  const text: string[] = [];
  const index = new Map<string, number>();
  const codes = new Int32Array(length);
  let at = 0;
  for (const part of parts) {
    const remap = part.text.map((value) => {
      let code = index.get(value);
      if (code === undefined) {
        code = text.length;
        text.push(value);
        index.set(value, code);
      }
      return code;
    });
    for (let i = 0; i < part.codes.length; i++) {
      codes[at++] = remap[part.codes[i]];
    }
  }
  return { codes, text };
}

function concatEnums(fields: Field[], length: number): Field {
  const { codes, text } = joinEnums(
    fields.map((f) => ({ codes: f.values as ArrayLike<number>, text: f.config.type?.enum?.text ?? [] })),
    length
  );
  const first = fields[0];
  return { ...first, values: codes as unknown as Values, config: { ...first.config, type: { enum: { text } } } };
}

function textValues(field: Field): unknown[] {
  const values = Array.from(field.values as ArrayLike<unknown>);
  const text = field.config.type?.enum?.text;
  return field.type === FieldType.enum && text ? values.map((code) => text[Number(code)]) : values;
}

function concatValues(fields: Field[], length: number): Values {
  const first = fields[0].values as ArrayLike<unknown>;
  if (ArrayBuffer.isView(first) && fields.every((f) => f.values.constructor === first.constructor)) {
    const out = new (first.constructor as Float64ArrayConstructor)(length);
    let at = 0;
    for (const field of fields) {
      out.set(field.values as unknown as Float64Array, at);
      at += field.values.length;
    }
    return out as unknown as Values;
  }
  return fields.flatMap((f) => Array.from(f.values as ArrayLike<unknown>)) as Values;
}

/**
 * Frames of one query's answers (same fields, in the same order) as one frame: typed columns stay
 * typed, enum fields get one dictionary. The first frame's name, meta and field configs are kept.
 */
export function concatFrames(frames: DataFrame[]): DataFrame {
  if (frames.length === 1) {
    return frames[0];
  }
  const length = frames.reduce((sum, f) => sum + f.length, 0);
  const fields = frames[0].fields.map((field, i) => {
    const parts = frames.map((f) => f.fields[i]);
    if (parts.some((p) => p.name !== field.name)) {
      throw new Error(`frames to join differ at field ${i}: ${parts.map((p) => p.name).join(', ')}`);
    }
    if (parts.every((p) => p.type === FieldType.enum)) {
      return concatEnums(parts, length);
    }
    if (parts.some((p) => p.type === FieldType.enum)) {
      // A nullable dictionary column arrives as strings when it holds nulls: join as strings.
      return { ...field, type: FieldType.string, config: {}, values: parts.flatMap(textValues) as Values };
    }
    return { ...field, values: concatValues(parts, length) };
  });
  return { ...frames[0], fields, length };
}
