import { describe, expect, it } from 'vitest';
import { readBsonFile, writeBson } from '../../../../plugins/juju-state/src/bson-reader.js';
import { machinesOf } from '../../../../plugins/juju-state/src/juju-facts.js';

describe('the juju-state BSON reader', () => {
  it('reads the examples of the BSON specification', () => {
    const hello = Buffer.from('\x16\x00\x00\x00\x02hello\x00\x06\x00\x00\x00world\x00\x00', 'latin1');
    const awesome = Buffer.from(
      '\x31\x00\x00\x00\x04BSON\x00\x26\x00\x00\x00\x020\x00\x08\x00\x00\x00awesome\x00\x011\x00\x33\x33\x33\x33\x33\x33\x14\x40\x102\x00\xc2\x07\x00\x00\x00\x00',
      'latin1',
    );
    expect(readBsonFile(Buffer.concat([hello, awesome]))).toEqual([{ hello: 'world' }, { BSON: ['awesome', 5.05, 1986] }]);
  });

  it('reads nested documents, booleans, dates, ObjectIds, int64 and null', () => {
    const oid = Buffer.from('0102030405060708090a0b0c', 'hex');
    // An ObjectId element (0x07) written by hand, since the writer has no ObjectId type.
    const withOid = Buffer.concat([Buffer.from([0x16, 0, 0, 0, 0x07]), Buffer.from('_id\0'), oid, Buffer.from([0])]);
    const doc = { a: { b: [1, 'x', { c: true }] }, d: new Date('2026-11-22T03:15:00Z'), n: null, big: 2n ** 40n, f: false };
    const [first, second] = readBsonFile(Buffer.concat([withOid, writeBson(doc)]));
    expect(first).toEqual({ _id: '0102030405060708090a0b0c' });
    expect(second).toEqual(doc);
  });

  it('refuses damaged input with a message saying what to do', () => {
    const good = writeBson({ machineid: '1' });
    expect(() => readBsonFile(good.subarray(0, good.length - 3))).toThrow(/damaged.*machines/);
    const badType = Buffer.from(good);
    badType[4] = 0x42;
    expect(() => readBsonFile(badType)).toThrow(/unknown element type 0x42/);
  });

  it('finds the machines and their addresses in a Juju 2.9 machines collection', () => {
    const bson = Buffer.concat([
      writeBson({ _id: 'uuid:0', machineid: '0', life: 0, addresses: [{ value: '10.0.0.1', type: 'ipv4', scope: 'local-cloud' }, { value: '127.0.0.1', scope: 'local-machine' }] }),
      writeBson({ _id: 'uuid:1', machineid: '1', life: 0, preferredprivateaddress: { value: '10.0.0.5' }, machineaddresses: [{ value: '10.0.0.5' }, { value: '192.168.1.5' }] }),
      writeBson({ _id: 'uuid:2', machineid: '2', life: 2, addresses: [{ value: '10.0.0.6' }] }),
    ]);
    expect(machinesOf(readBsonFile(bson))).toEqual([
      { id: '0', addresses: ['10.0.0.1'] },
      { id: '1', addresses: ['10.0.0.5', '192.168.1.5'] },
    ]);
  });
});
