/**
 * A minimal BSON reader, enough to read a mongodump `.bson` file of Juju's collections
 * (e.g. `juju/machines.bson` for the machines' addresses): strings, numbers, booleans,
 * dates, ObjectIds, documents and arrays. Other types are skipped over by their size.
 */
import { AppError } from '../../../src-main/shared/app-error.js';

export type BsonValue = string | number | bigint | boolean | null | Date | Buffer | BsonDocument | BsonValue[];
export interface BsonDocument {
  [key: string]: BsonValue;
}

function fail(what: string): never {
  throw new AppError('integrity', `The database dump's BSON is damaged: ${what}. Take a new backup, or name the machines in the target's "machines" option.`);
}

/** Every document of a `.bson` file (mongodump writes them one after another). */
export function readBsonFile(data: Buffer): BsonDocument[] {
  const docs: BsonDocument[] = [];
  let at = 0;
  while (at < data.length) {
    if (data.length - at < 5) fail(`${data.length - at} stray bytes at the end`);
    const size = data.readInt32LE(at);
    if (size < 5 || at + size > data.length) fail(`a document of ${size} bytes at offset ${at} runs past the end`);
    docs.push(readDocument(data, at, false) as BsonDocument);
    at += size;
  }
  return docs;
}

function cstring(data: Buffer, at: number): [string, number] {
  const end = data.indexOf(0, at);
  if (end === -1) fail('a name without its terminating zero');
  return [data.toString('utf8', at, end), end + 1];
}

function readDocument(data: Buffer, start: number, asArray: boolean): BsonDocument | BsonValue[] {
  const size = data.readInt32LE(start);
  const end = start + size;
  if (size < 5 || end > data.length || data[end - 1] !== 0) fail(`a document at offset ${start} is not closed`);
  const out: BsonDocument = {};
  const list: BsonValue[] = [];
  let at = start + 4;
  while (at < end - 1) {
    const type = data[at]!;
    const [name, next] = cstring(data, at + 1);
    at = next;
    let value: BsonValue;
    switch (type) {
      case 0x01: value = data.readDoubleLE(at); at += 8; break;
      case 0x02: case 0x0d: case 0x0e: {
        const len = data.readInt32LE(at);
        if (len < 1 || at + 4 + len > end) fail(`the string ${name} runs past its document`);
        value = data.toString('utf8', at + 4, at + 4 + len - 1);
        at += 4 + len;
        break;
      }
      case 0x03: case 0x04: {
        value = readDocument(data, at, type === 0x04);
        at += data.readInt32LE(at);
        break;
      }
      case 0x05: {
        const len = data.readInt32LE(at);
        value = data.subarray(at + 5, at + 5 + len);
        at += 5 + len;
        break;
      }
      case 0x06: case 0x0a: case 0x7f: case 0xff: value = null; break;
      case 0x07: value = data.subarray(at, at + 12).toString('hex'); at += 12; break;
      case 0x08: value = data[at] === 1; at += 1; break;
      case 0x09: value = new Date(Number(data.readBigInt64LE(at))); at += 8; break;
      case 0x0b: {
        const [, afterPattern] = cstring(data, at);
        const [, afterFlags] = cstring(data, afterPattern);
        value = null;
        at = afterFlags;
        break;
      }
      case 0x10: value = data.readInt32LE(at); at += 4; break;
      case 0x11: value = data.readBigUInt64LE(at); at += 8; break;
      case 0x12: value = data.readBigInt64LE(at); at += 8; break;
      case 0x13: value = data.subarray(at, at + 16); at += 16; break;
      default: fail(`unknown element type 0x${type.toString(16)} (${name})`);
    }
    if (at > end - 1) fail(`the element ${name} runs past its document`);
    if (asArray) list.push(value);
    else out[name] = value;
  }
  return asArray ? list : out;
}

/** BSON bytes of a document (strings, numbers, booleans, null, documents, arrays): for tests and stand-ins. */
export function writeBson(doc: BsonDocument | readonly BsonValue[]): Buffer {
  const parts: Buffer[] = [];
  const entries: Array<[string, BsonValue]> = Array.isArray(doc) ? doc.map((v, i) => [String(i), v]) : Object.entries(doc);
  for (const [name, v] of entries) {
    const key = Buffer.from(`${name}\0`);
    if (typeof v === 'string') {
      const s = Buffer.from(`${v}\0`);
      const len = Buffer.alloc(4);
      len.writeInt32LE(s.length);
      parts.push(Buffer.from([0x02]), key, len, s);
    } else if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 31) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v);
      parts.push(Buffer.from([0x10]), key, b);
    } else if (typeof v === 'number') {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(v);
      parts.push(Buffer.from([0x01]), key, b);
    } else if (typeof v === 'bigint') {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(v);
      parts.push(Buffer.from([0x12]), key, b);
    } else if (typeof v === 'boolean') {
      parts.push(Buffer.from([0x08]), key, Buffer.from([v ? 1 : 0]));
    } else if (v === null) {
      parts.push(Buffer.from([0x0a]), key);
    } else if (v instanceof Date) {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(v.getTime()));
      parts.push(Buffer.from([0x09]), key, b);
    } else if (Buffer.isBuffer(v)) {
      const len = Buffer.alloc(4);
      len.writeInt32LE(v.length);
      parts.push(Buffer.from([0x05]), key, len, Buffer.from([0]), v);
    } else {
      parts.push(Buffer.from([Array.isArray(v) ? 0x04 : 0x03]), key, writeBson(v));
    }
  }
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeInt32LE(body.length + 5);
  return Buffer.concat([size, body, Buffer.from([0])]);
}
