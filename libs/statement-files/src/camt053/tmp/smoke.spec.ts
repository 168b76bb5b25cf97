import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCamt053 } from '..';
const dir = '/work/main/libs/statement-files/src/camt053/fixtures';
it('smoke', async () => {
  for (const name of [...readdirSync(dir).filter((f) => f.endsWith('.xml')), ...readdirSync(join(dir, 'bad')).map((f) => 'bad/' + f)]) {
    const out: unknown[] = [];
    try {
      for await (const e of readCamt053((async function* () { yield readFileSync(join(dir, name)); })())) out.push(e);
    } catch (e) { out.push({ error: (e as {code: string}).code, message: (e as Error).message, errors: (e as {errors: unknown}).errors }); }
    console.log(name, JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v), 1));
  }
});
