import { stringify, validate, version } from 'uuid';
import { UuidV7Block, UuidV7Source } from './uuid-v7-block';

describe('UuidV7Block', () => {
  it('makes valid version 7 ids whose text is the canonical form of their bytes', () => {
    const block = new UuidV7Block(1_000);
    expect(block.bytes).toHaveLength(16_000);
    for (let i = 0; i < block.count; i++) {
      const text = block.text(i);
      expect(validate(text)).toBe(true);
      expect(version(text)).toBe(7);
      expect(text).toBe(stringify(block.at(i)));
      expect(block.at(i)[8] >> 6).toBe(0b10); // RFC 9562 variant
    }
  });

  it('carries the current time in its first 48 bits', () => {
    const before = Date.now();
    const id = new UuidV7Block(1).at(0);
    const after = Date.now();
    const msecs = id.readUIntBE(0, 6);
    expect(msecs).toBeGreaterThanOrEqual(before);
    expect(msecs).toBeLessThanOrEqual(after + 1);
  });

  it('keeps ids strictly increasing within a block, across blocks and through a source, with no repeat', () => {
    const ids: Buffer[] = [];
    for (let round = 0; round < 3; round++) {
      const block = new UuidV7Block(5_000);
      for (let i = 0; i < block.count; i++) ids.push(Buffer.from(block.at(i)));
    }
    const source = new UuidV7Source();
    for (let i = 0; i < 10_000; i++) ids.push(Buffer.from(source.take()));
    for (let i = 1; i < ids.length; i++) expect(Buffer.compare(ids[i - 1], ids[i])).toBe(-1);
    expect(new Set(ids.map((id) => id.toString('hex'))).size).toBe(ids.length);
  });

  it('differs in its random bits from block to block', () => {
    const a = new UuidV7Block(1).at(0);
    const b = new UuidV7Block(1).at(0);
    expect(a.subarray(11).equals(b.subarray(11))).toBe(false);
  });

  it('holds no ids when asked for none', () => {
    expect(new UuidV7Block(0).bytes).toHaveLength(0);
  });
});
