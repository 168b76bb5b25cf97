import { createWriteStream } from 'node:fs';
import { camt053Chunks, type Camt053WriterEntry } from '../../testing/camt053-writer';
function* entries(n: number): Generator<Camt053WriterEntry> {
  for (let i = 0; i < n; i++) yield { amount: BigInt(i % 2 ? i : -i), currency: 'EUR', bookingDate: '2026-01-02', valueDate: '2026-01-03', accountServicerReference: `REF-${i}`, entryReference: String(i), bankTransactionCode: 'PMNT/RCDT/ESCT', details: [{ endToEndId: `E2E-${i}`, unstructured: [`Invoice ${i} payment`], debtorName: 'Some Customer GmbH', creditorName: 'Other', accountServicerReference: null }] };
}
it('gen', async () => {
  const t = Date.now();
  const out = createWriteStream('/tmp/camtbench/1m.xml');
  let pending: string[] = []; let size = 0;
  for (const chunk of camt053Chunks([{ id: 'S', iban: 'DE89370400440532013000', currency: 'EUR', entries: entries(1000000) }], { version: 8 })) {
    pending.push(chunk); size += chunk.length;
    if (size >= 1 << 20) { if (!out.write(pending.join(''))) await new Promise((r) => out.once('drain', r)); pending = []; size = 0; }
  }
  out.end(pending.join(''));
  await new Promise((r) => out.on('finish', r));
  console.log('gen ms', Date.now() - t);
}, 600000);
