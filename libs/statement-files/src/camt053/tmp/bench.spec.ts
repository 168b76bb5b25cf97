import { camt053Chunks, type Camt053WriterEntry } from '../../testing/camt053-writer';
import { readCamt053 } from '..';
function* entries(n: number): Generator<Camt053WriterEntry> {
  for (let i = 0; i < n; i++) yield { amount: BigInt(i % 2 ? i : -i), currency: 'EUR', bookingDate: '2026-01-02', valueDate: '2026-01-03', accountServicerReference: `REF-${i}`, entryReference: String(i), bankTransactionCode: 'PMNT/RCDT/ESCT', details: [{ endToEndId: `E2E-${i}`, unstructured: [`Invoice ${i} payment`], debtorName: 'Some Customer GmbH', creditorName: 'Other', accountServicerReference: null }] };
}
async function* bytes(n: number): AsyncGenerator<Buffer> {
  let pending: string[] = []; let size = 0; let total = 0;
  for (const chunk of camt053Chunks([{ id: 'S', iban: 'DE89370400440532013000', currency: 'EUR', entries: entries(n) }], { version: 8 })) {
    pending.push(chunk); size += chunk.length;
    if (size >= 65536) { const b = Buffer.from(pending.join('')); total += b.length; yield b; pending = []; size = 0; }
  }
  const b = Buffer.from(pending.join('')); total += b.length; yield b;
  console.log('bytes', total);
}
it('bench', async () => {
  const n = Number(process.env.N ?? 1000000);
  const t = Date.now(); let count = 0; let maxHeap = 0; let sum = 0n;
  for await (const e of readCamt053(bytes(n))) {
    if (e.type === 'entry') { count++; sum += e.entry.amount; if (count % 100000 === 0) maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed); }
  }
  console.log({ count, ms: Date.now() - t, maxHeapMB: maxHeap / 1e6, sum });
}, 600000);
