// jute's primitives against bytes written out by hand from the jute spec (big-endian ints and longs, one-byte
// booleans, length-prefixed UTF-8 strings and buffers with -1 for null, count-prefixed vectors), so the codec is
// checked against the format rather than against itself.
import { describe, expect, it } from 'vitest';
import { JuteError, JuteReader, JuteWriter } from '../../../node-core/jute/index.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('jute primitives', () => {
  it('int and long are big-endian two\'s complement', () => {
    const bytes = hex('7fffffff 80000000 ffffffff  0000000100000002 ffffffffffffffff 8000000000000000');
    const r = new JuteReader(bytes);
    expect([r.readInt(), r.readInt(), r.readInt()]).toEqual([2147483647, -2147483648, -1]);
    expect([r.readLong(), r.readLong(), r.readLong()]).toEqual([0x100000002n, -1n, -(2n ** 63n)]);
    expect(r.remaining).toBe(0);
    const w = new JuteWriter().writeInt(2147483647).writeInt(-2147483648).writeInt(-1);
    w.writeLong(0x100000002n).writeLong(-1n).writeLong(-(2n ** 63n));
    expect(w.toBuffer()).toEqual(bytes);
  });

  it('boolean is one byte; any non-zero byte reads as true', () => {
    expect(new JuteWriter().writeBool(true).writeBool(false).toBuffer()).toEqual(hex('01 00'));
    const r = new JuteReader(hex('02 00'));
    expect([r.readBool(), r.readBool()]).toEqual([true, false]);
  });

  it('ustring: int byte length then UTF-8; -1 is null, 0 is empty', () => {
    const bytes = hex('00000005 2f77697265  ffffffff  00000000  00000007 2fe4b8ad e69687');
    const r = new JuteReader(bytes);
    expect(r.readString()).toBe('/wire');
    expect(r.readNullableString()).toBeNull();
    expect(r.readNullableString()).toBe('');
    expect(r.readString()).toBe('/中文');
    const w = new JuteWriter().writeString('/wire').writeString(null).writeString('').writeString('/中文');
    expect(w.toBuffer()).toEqual(bytes);
  });

  it('buffer: int length then raw bytes; null and empty stay apart', () => {
    const bytes = hex('00000003 00ff10  ffffffff  00000000');
    const r = new JuteReader(bytes);
    expect(r.readBuffer()).toEqual(hex('00ff10'));
    expect(r.readBuffer()).toBeNull();
    expect(r.readBuffer()).toEqual(Buffer.alloc(0));
    expect(new JuteWriter().writeBuffer(hex('00ff10')).writeBuffer(null).writeBuffer(Buffer.alloc(0)).toBuffer()).toEqual(bytes);
  });

  it('vector: int count then items; -1 is a null vector', () => {
    const bytes = hex('00000002 00000001 61 00000002 6263  ffffffff');
    const r = new JuteReader(bytes);
    expect(r.readStringVector()).toEqual(['a', 'bc']);
    expect(r.readStringVector()).toEqual([]);
    expect(new JuteWriter().writeStringVector(['a', 'bc']).writeStringVector(null).toBuffer()).toEqual(bytes);
  });

  it('frame() prefixes the record with its length', () => {
    expect(new JuteWriter().writeInt(7).frame()).toEqual(hex('00000004 00000007'));
  });
});

describe('malformed input is a JuteError, never a read past the end', () => {
  const cases: [string, string, (r: JuteReader) => unknown][] = [
    ['int cut short', '000000', (r) => r.readInt()],
    ['long cut short', '00000000000000', (r) => r.readLong()],
    ['string longer than the bytes left', '00000009 2f77', (r) => r.readString()],
    ['string length below -1', 'fffffffe', (r) => r.readString()],
    ['buffer longer than the bytes left', '00000004 0102', (r) => r.readBuffer()],
    ['vector count below -1', 'fffffff0', (r) => r.readStringVector()],
    ['vector count beyond the bytes left', '7fffffff 00', (r) => r.readStringVector()],
  ];
  for (const [name, bytes, read] of cases) {
    it(name, () => {
      expect(() => read(new JuteReader(hex(bytes)))).toThrow(JuteError);
    });
  }
});
