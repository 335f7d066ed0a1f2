// A minimal BSON encoder and decoder for the Juju stand-in's "database": the stand-in
// mongodump writes the same bytes MongoDB's would (`<collection>.bson` is a concatenation of
// documents), so tests can write realistic collections and read dumps back. Types: double,
// string, document, array, ObjectId (as a 24-hex string wrapper), bool, UTC datetime, null,
// int32 and int64 (bigint). Anything else is refused rather than guessed.

export type BsonValue = string | number | bigint | boolean | null | Date | ObjectId | readonly BsonValue[] | BsonDocument;
export interface BsonDocument {
  readonly [key: string]: BsonValue;
}

/** MongoDB's 12-byte id, kept as its 24 hex digits. */
export class ObjectId {
  constructor(readonly hex: string) {
    if (!/^[0-9a-f]{24}$/.test(hex)) throw new Error(`An ObjectId is 24 hex digits; got "${hex}".`);
  }
  toString(): string {
    return this.hex;
  }
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** One document as BSON. Integral numbers in int32 range are int32, other numbers doubles. */
export function encodeBson(doc: BsonDocument): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(doc)) parts.push(element(key, value));
  return frame(parts);
}

/** The first document of `buf` (which must hold exactly one). */
export function decodeBson(buf: Uint8Array): BsonDocument {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const { doc, end } = readDocument(b, 0, false);
  if (end !== b.length) throw new Error(`BSON: ${b.length - end} bytes after the document.`);
  return doc as BsonDocument;
}

/** Every document of a collection file or oplog.bson (documents back to back). */
export function decodeBsonDocuments(buf: Uint8Array): BsonDocument[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const docs: BsonDocument[] = [];
  for (let at = 0; at < b.length; ) {
    const { doc, end } = readDocument(b, at, false);
    docs.push(doc as BsonDocument);
    at = end;
  }
  return docs;
}

function frame(parts: readonly Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(body.length + 5);
  out.writeInt32LE(out.length, 0);
  body.copy(out, 4);
  return out;
}

function cstring(s: string): Buffer {
  if (s.includes('\0')) throw new Error(`BSON keys cannot hold NUL: ${JSON.stringify(s)}`);
  return Buffer.from(`${s}\0`, 'utf8');
}

function element(key: string, value: BsonValue): Buffer {
  const head = (type: number): Buffer => Buffer.concat([Buffer.of(type), cstring(key)]);
  if (value === null) return head(0x0a);
  if (typeof value === 'string') {
    const s = Buffer.from(value, 'utf8');
    const len = Buffer.alloc(4);
    len.writeInt32LE(s.length + 1);
    return Buffer.concat([head(0x02), len, s, Buffer.of(0)]);
  }
  if (typeof value === 'boolean') return Buffer.concat([head(0x08), Buffer.of(value ? 1 : 0)]);
  if (typeof value === 'bigint') {
    const v = Buffer.alloc(8);
    v.writeBigInt64LE(value);
    return Buffer.concat([head(0x12), v]);
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) {
      const v = Buffer.alloc(4);
      v.writeInt32LE(value);
      return Buffer.concat([head(0x10), v]);
    }
    const v = Buffer.alloc(8);
    v.writeDoubleLE(value);
    return Buffer.concat([head(0x01), v]);
  }
  if (value instanceof Date) {
    const v = Buffer.alloc(8);
    v.writeBigInt64LE(BigInt(value.getTime()));
    return Buffer.concat([head(0x09), v]);
  }
  if (value instanceof ObjectId) return Buffer.concat([head(0x07), Buffer.from(value.hex, 'hex')]);
  if (Array.isArray(value)) {
    const items = value as readonly BsonValue[];
    return Buffer.concat([head(0x04), frame(items.map((v, i) => element(String(i), v)))]);
  }
  return Buffer.concat([head(0x03), encodeBson(value as BsonDocument)]);
}

function readDocument(b: Buffer, start: number, asArray: boolean): { doc: BsonDocument | BsonValue[]; end: number } {
  if (start + 5 > b.length) throw new Error(`BSON: truncated document at byte ${start}.`);
  const size = b.readInt32LE(start);
  const end = start + size;
  if (size < 5 || end > b.length || b[end - 1] !== 0) throw new Error(`BSON: bad document length ${size} at byte ${start}.`);
  const entries: Array<[string, BsonValue]> = [];
  let at = start + 4;
  while (at < end - 1) {
    const type = b[at]!;
    const keyEnd = b.indexOf(0, at + 1);
    if (keyEnd < 0 || keyEnd >= end) throw new Error(`BSON: unterminated key at byte ${at}.`);
    const key = b.toString('utf8', at + 1, keyEnd);
    at = keyEnd + 1;
    let value: BsonValue;
    switch (type) {
      case 0x01:
        value = b.readDoubleLE(at);
        at += 8;
        break;
      case 0x02: {
        const len = b.readInt32LE(at);
        value = b.toString('utf8', at + 4, at + 4 + len - 1);
        at += 4 + len;
        break;
      }
      case 0x03:
      case 0x04: {
        const inner = readDocument(b, at, type === 0x04);
        value = inner.doc;
        at = inner.end;
        break;
      }
      case 0x07:
        value = new ObjectId(b.toString('hex', at, at + 12));
        at += 12;
        break;
      case 0x08:
        value = b[at] === 1;
        at += 1;
        break;
      case 0x09:
        value = new Date(Number(b.readBigInt64LE(at)));
        at += 8;
        break;
      case 0x0a:
        value = null;
        break;
      case 0x10:
        value = b.readInt32LE(at);
        at += 4;
        break;
      case 0x12:
        value = b.readBigInt64LE(at);
        at += 8;
        break;
      default:
        throw new Error(`BSON: type 0x${type.toString(16)} (key "${key}") is not supported by this minimal decoder.`);
    }
    entries.push([key, value]);
  }
  if (at !== end - 1) throw new Error(`BSON: document at byte ${start} overruns its length.`);
  return { doc: asArray ? entries.map(([, v]) => v) : Object.fromEntries(entries), end };
}
