import { createReadStream } from 'node:fs';
import type { AccountEntity } from '@concilia/persistence';
import {
  type CsvProfile,
  readCamt053,
  readCsv,
  readMt940,
  type StatementFileEvent,
  type StatementFormat,
} from '@concilia/statement-files';
import type { SpooledUpload } from './upload-spool.guard';

const READ_CHUNK_BYTES = 256 * 1024;

/**
 * The file's bytes, opened only when reading starts: an error opening it (the file gone) then
 * surfaces in the reader's iteration, never as an unhandled stream error.
 */
async function* spooledBytes(path: string): AsyncGenerator<Buffer> {
  yield* createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
}

/** The events of a spooled file in its format; CSV through the given profile (the built-in one by default). */
export function readUploadedFile(
  upload: SpooledUpload,
  format: StatementFormat,
  options: { profile: CsvProfile | 'default'; side: 'statement' | 'ledger'; account: AccountEntity },
): AsyncGenerator<StatementFileEvent> {
  const source = spooledBytes(upload.path);
  switch (format) {
    case 'csv':
      return readCsv(source, options.profile, { side: options.side, currency: options.account.currency });
    case 'camt.053':
      return readCamt053(source);
    case 'mt940':
      return readMt940(source, { encoding: upload.utf8 ? 'utf-8' : 'windows-1252' });
  }
}
