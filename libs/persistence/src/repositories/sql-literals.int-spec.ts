import fc from 'fast-check';
import { Client } from 'pg';
import { textArrayLiteral } from './sql-literals';

/** The literal must survive Postgres' own parser unchanged, whatever the text holds. */
describe('textArrayLiteral (against Postgres)', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: process.env['DATABASE_URL'] });
    await client.connect();
  });

  afterAll(() => client.end());

  async function roundTrip(values: string[]): Promise<string[]> {
    const result = await client.query<{ value: string[] }>('SELECT $1::text[] AS value', [textArrayLiteral(values)]);
    return result.rows[0].value;
  }

  it('keeps quotes, backslashes, commas, braces, spaces and NULL-looking text', async () => {
    const values = ['a"b', 'c\\d', 'e,f', '{g}', ' h ', 'NULL', '', 'ação', 'x\\"y'];
    expect(await roundTrip(values)).toEqual(values);
  });

  it('gives an empty array for no values', async () => {
    expect(await roundTrip([])).toEqual([]);
  });

  it('round-trips any printable text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !s.includes('\u0000')), { maxLength: 5 }), async (values) => {
        expect(await roundTrip(values)).toEqual(values);
      }),
      { numRuns: 200 },
    );
  });
});
