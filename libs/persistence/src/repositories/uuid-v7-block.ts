import { randomFillSync } from 'node:crypto';
import { stringify } from 'uuid';

const ID_BYTES = 16;

/** This process's clock and counter, shared by every block so that ids keep increasing across them. */
const clock = { msecs: -Infinity, seq: 0 };

/**
 * `count` new UUID v7 ids (RFC 9562) as 16-byte blocks in one buffer, for bulk inserts by binary
 * `COPY`: a pass names a million matches with one call to the random source and no strings.
 * (`uuid`'s `v7()` can write bytes too, but draws random bytes 16 at a time, about half a second
 * per million, and keeps the counter that orders ids private.) The layout is `uuid`'s own:
 * a 48-bit millisecond timestamp, then a 32-bit counter in the bits after the version and the
 * variant (started at a random value each new millisecond), then random bits; so ids increase
 * within a block and across the blocks of this process.
 */
export class UuidV7Block {
  readonly bytes: Buffer;

  constructor(readonly count: number) {
    this.bytes = Buffer.allocUnsafe(count * ID_BYTES);
    randomFillSync(this.bytes);
    const now = Date.now();
    for (let i = 0; i < count; i++) writeTimeAndCounter(this.bytes, i * ID_BYTES, now);
  }

  /** Id `index` as 16 bytes (a view: no copy). */
  at(index: number): Buffer {
    return this.bytes.subarray(index * ID_BYTES, (index + 1) * ID_BYTES);
  }

  /** Id `index` as canonical text. */
  text(index: number): string {
    return stringify(this.bytes, index * ID_BYTES);
  }
}

/** Ids one at a time for rows counted as they are made, drawn from blocks of 4,096. */
export class UuidV7Source {
  private block = new UuidV7Block(0);
  private next = 0;

  take(): Buffer {
    if (this.next === this.block.count) {
      this.block = new UuidV7Block(4_096);
      this.next = 0;
    }
    return this.block.at(this.next++);
  }
}

/** Overwrites bytes 0-10 of the random id at `at` (keeping two random bits in byte 10). */
function writeTimeAndCounter(bytes: Buffer, at: number, now: number): void {
  if (now > clock.msecs) {
    clock.msecs = now;
    clock.seq = ((bytes[at + 6] << 23) | (bytes[at + 7] << 16) | (bytes[at + 8] << 8) | bytes[at + 9]) >>> 0;
  } else {
    clock.seq = (clock.seq + 1) | 0;
    if (clock.seq === 0) clock.msecs++;
  }
  const { msecs, seq } = clock;
  bytes[at] = (msecs / 0x10000000000) & 0xff;
  bytes[at + 1] = (msecs / 0x100000000) & 0xff;
  bytes[at + 2] = (msecs / 0x1000000) & 0xff;
  bytes[at + 3] = (msecs / 0x10000) & 0xff;
  bytes[at + 4] = (msecs / 0x100) & 0xff;
  bytes[at + 5] = msecs & 0xff;
  bytes[at + 6] = 0x70 | ((seq >>> 28) & 0x0f);
  bytes[at + 7] = (seq >>> 20) & 0xff;
  bytes[at + 8] = 0x80 | ((seq >>> 14) & 0x3f);
  bytes[at + 9] = (seq >>> 6) & 0xff;
  bytes[at + 10] = ((seq << 2) & 0xff) | (bytes[at + 10] & 0x03);
}
