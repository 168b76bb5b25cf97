import { DomainError } from '@concilia/domain';
import { decodeText, readLines } from './text-decoding';

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

async function* chunks(...parts: (string | number[])[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part);
}

async function* strings(...parts: string[]): AsyncGenerator<string> {
  yield* parts;
}

describe('decodeText', () => {
  it('drops a UTF-8 BOM and joins a character split across chunks', async () => {
    const euro = Buffer.from('€', 'utf8');
    const text = await collect(decodeText(chunks([0xef, 0xbb, 0xbf], 'a', [euro[0]], [euro[1], euro[2]], 'b')));
    expect(text.join('')).toBe('a€b');
  });

  it('refuses invalid UTF-8 with encoding_invalid instead of replacing characters', async () => {
    await expect(collect(decodeText(chunks('ok', [0xe9, 0x20])))).rejects.toMatchObject({ code: 'encoding_invalid' });
    await expect(collect(decodeText(chunks([0xc3])))).rejects.toBeInstanceOf(DomainError);
  });

  it('reads ISO-8859-1 and Windows-1252 bytes (é, ã, €)', async () => {
    expect((await collect(decodeText(chunks([0xe9, 0xe3]), 'iso-8859-1'))).join('')).toBe('éã');
    expect((await collect(decodeText(chunks([0x80]), 'windows-1252'))).join('')).toBe('€');
  });
});

describe('readLines', () => {
  it('numbers LF, CRLF and CR lines, including a CRLF split across chunks', async () => {
    const lines = await collect(readLines(strings('a\r', '\nb\nc\rd\r\n', '\r\ne')));
    expect(lines).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: 'c' },
      { line: 4, text: 'd' },
      { line: 5, text: '' },
      { line: 6, text: 'e' },
    ]);
  });

  it('keeps a last line without a newline and yields nothing for empty input', async () => {
    expect(await collect(readLines(strings('x\ny')))).toEqual([{ line: 1, text: 'x' }, { line: 2, text: 'y' }]);
    expect(await collect(readLines(strings('')))).toEqual([]);
  });

  it('refuses a line longer than the limit', async () => {
    await expect(collect(readLines(strings('ok\n', 'x'.repeat(50)), 10))).rejects.toMatchObject({ code: 'mt940_malformed' });
  });
});

describe('readLines limits', () => {
  it('refuses a long line that arrives whole inside one chunk, with its line number', async () => {
    await expect(collect(readLines(strings(`ok\n${'x'.repeat(50)}\nok`), 10))).rejects.toMatchObject({ code: 'mt940_malformed', errors: [expect.objectContaining({ field: 'line 2' })] });
  });
});
