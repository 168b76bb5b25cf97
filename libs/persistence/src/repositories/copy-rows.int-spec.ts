import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { Database } from '../database';
import { copyBinary, copyBinaryRows, type BinaryColumn, type BinaryRowWriter } from './copy-binary';
import { copyOut, copyOutRows, copyRows, FieldValues, parseTextArray, sqlLiteral } from './copy-rows';
import { UuidV7Block } from './uuid-v7-block';

/** COPY in and out must carry any text unchanged: tabs, newlines, backslashes, quotes, NULL-looking words. */
describe('copyRows / copyOut (against Postgres)', () => {
  let dataSource: DataSource;
  let database: Database;

  beforeAll(async () => {
    dataSource = createDataSource({ url: process.env['DATABASE_URL'] as string, poolSize: 2 });
    await dataSource.initialize();
    database = new Database(dataSource);
  });

  afterAll(() => dataSource.destroy());

  /** A scratch table with these columns for the length of `work`, dropped afterwards whatever happens. */
  async function withProbeTable(columns: string, work: (table: string) => Promise<void>): Promise<void> {
    const table = `copy_probe_${randomUUID().replace(/-/g, '')}`;
    await dataSource.query(`CREATE TABLE ${table} (${columns})`);
    try {
      await work(table);
    } finally {
      await dataSource.query(`DROP TABLE ${table}`);
    }
  }

  it('round-trips awkward text, nulls and big amounts through COPY in both directions', async () => {
    const texts = ['plain', 'tab\there', 'line\nbreak', 'back\\slash', '\\N', 'quote "x" \'y\'', 'carriage\rreturn', 'ação €'];
    await withProbeTable('id int, body text, amount bigint', async (table) => {
      await database.transaction((tx) =>
        copyRows(tx, table, ['id', 'body', 'amount'], [...texts.map((text, i) => [i, text, 9_223_372_036_854_775_807n] as const), [99, null, null]]),
      );
      const read: (string | null)[][] = [];
      await copyOut(database, `SELECT id, body, amount FROM ${table} ORDER BY id`, (fields) => read.push(fields));
      expect(read).toEqual([...texts.map((text, i) => [String(i), text, '9223372036854775807']), ['99', null, null]]);
    });
  });

  it('reads text[] columns through COPY text back to their elements, however awkward', async () => {
    const arrays = [[], ['PED-1'], ['a', 'b'], ['ação', 'x', 'ü-€'], ['with space', 'comma,inside', 'quote"d', 'back\\slash', '{braces}', '', 'NULL', 'tab\there', 'ação'], ['"', '\\', ',', 'x']];
    await withProbeTable('id int, refs text[]', async (table) => {
      for (const [i, refs] of arrays.entries()) await dataSource.query(`INSERT INTO ${table} VALUES ($1, $2)`, [i, refs]);
      await dataSource.query(`INSERT INTO ${table} VALUES (99, NULL)`);
      const parsed: string[][] = [];
      const fromBytes: string[][] = [];
      await copyOutRows(database, `SELECT refs FROM ${table} ORDER BY id`, (row) => {
        if (!row.isNull(0)) parsed.push(parseTextArray(row.text(0) as string));
        fromBytes.push(row.textArray(0));
      });
      expect(parsed).toEqual(arrays);
      expect(fromBytes).toEqual([...arrays, []]);
    });
  });

  it('reads fields of few values through FieldValues exactly: repeated, escaped, non-ASCII, NULL, and past its limit', async () => {
    const values = ['BRL', 'BRL', 'USD', 'tab\there', 'ação', null, 'BRL', 'back\\slash', 'ação', 'USD', '', 'x1', 'x2', 'x3', 'x1'];
    await withProbeTable('id int, code text', async (table) => {
      for (const [i, code] of values.entries()) await dataSource.query(`INSERT INTO ${table} VALUES ($1, $2)`, [i, code]);
      const read: (string | null)[] = [];
      const limited: (string | null)[] = [];
      const [field, smallField] = [new FieldValues(), new FieldValues(2)];
      await copyOutRows(database, `SELECT code FROM ${table} ORDER BY id`, (row) => {
        read.push(row.interned(0, field));
        limited.push(row.interned(0, smallField));
      });
      expect(read).toEqual(values);
      expect(limited).toEqual(values);
    });
  });

  it('compares a field with a text without decoding it: equal only for the same ASCII text, never for NULL or an escaped field', async () => {
    const compared: boolean[] = [];
    await copyOutRows(database, `SELECT 'PED-1'::text, NULL::text, E'a\\tb', 'ação', 'é'`, (row) =>
      compared.push(
        row.equals(0, 'PED-1'),
        row.equals(0, 'PED-2'),
        row.equals(0, 'PED-10'),
        row.equals(1, '\\N'),
        row.equals(2, 'a\\tb'),
        row.equals(3, 'ação'),
        row.equals(4, 'Ã©'), // the UTF-8 bytes of é read one character each
      ),
    );
    expect(compared).toEqual([true, false, false, false, false, false, false]);
  });

  it('writes rows in the binary format that read back exactly: uuids, text, small and big integers, booleans, json, jsonb and nulls', async () => {
    const id = randomUUID();
    const columns: BinaryColumn[] = [
      { name: 'id', type: 'uuid' },
      { name: 'label', type: 'text' },
      { name: 'code', type: 'text' },
      { name: 'n', type: 'int2' },
      { name: 'amount', type: 'int8' },
      { name: 'flag', type: 'bool' },
      { name: 'body', type: 'jsonb' },
      { name: 'note', type: 'text' },
      { name: 'doc', type: 'json' },
    ];
    const big = 'ação €\t\\ "x"\n'.repeat(40_000); // one value larger than a chunk
    await withProbeTable('id uuid, label varchar(20), code character(3), n smallint, amount bigint, flag boolean, body jsonb, note text, doc json', async (table) => {
      await database.transaction((tx) =>
        copyBinaryRows(tx, table, columns, [
          [id, 'ACCEPTED', 'BRL', 100, 9_223_372_036_854_775_807n, true, JSON.stringify([{ name: 'réf', detail: { a: '1' } }]), big, '{"SALE":"10000","ção":"-1"}'],
          [id.toUpperCase().replace(/-/g, ''), 'x', 'KWD', -32_768, -9_223_372_036_854_775_808n, false, '{}', null, '[]'],
          [null, null, null, null, null, null, null, null, null],
        ]),
      );
      const rows = await dataSource.query(`SELECT id, label, code, n, amount::text AS amount, flag, body, note, doc FROM ${table} ORDER BY n NULLS LAST`);
      expect(rows).toEqual([
        { id, label: 'x', code: 'KWD', n: -32_768, amount: '-9223372036854775808', flag: false, body: {}, note: null, doc: [] },
        { id, label: 'ACCEPTED', code: 'BRL', n: 100, amount: '9223372036854775807', flag: true, body: [{ name: 'réf', detail: { a: '1' } }], note: big, doc: { SALE: '10000', ção: '-1' } },
        { id: null, label: null, code: null, n: null, amount: null, flag: null, body: null, note: null, doc: null },
      ]);
    });
  });

  it('writes bigints exactly on both sides of the 32-bit fast path', async () => {
    const amounts = [0n, 1n, -1n, 2_147_483_647n, -2_147_483_648n, 2_147_483_648n, -2_147_483_649n, 4_294_967_296n, -4_294_967_297n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n];
    await withProbeTable('i bigint, amount bigint', async (table) => {
      await database.transaction((tx) =>
        copyBinaryRows(
          tx,
          table,
          [
            { name: 'i', type: 'int8' },
            { name: 'amount', type: 'int8' },
          ],
          amounts.map((amount, i) => [i, amount]),
        ),
      );
      const rows: { amount: string }[] = await dataSource.query(`SELECT amount::text AS amount FROM ${table} ORDER BY i`);
      expect(rows.map((row) => BigInt(row.amount))).toEqual(amounts);
    });
  });

  it('writes uuid[] in the binary format: empty, one and many elements, and null; refuses what is not a list of uuids', async () => {
    const many = Array.from({ length: 15_000 }, () => randomUUID()); // 300 KB: the buffer grows inside the list
    const lists = [[], [randomUUID()], [randomUUID().toUpperCase(), randomUUID()], many];
    await withProbeTable('i bigint, ids uuid[]', async (table) => {
      const columns: BinaryColumn[] = [
        { name: 'i', type: 'int8' },
        { name: 'ids', type: 'uuid[]' },
      ];
      await database.transaction((tx) => copyBinaryRows(tx, table, columns, [...lists.map((ids, i) => [i, ids]), [lists.length, null]]));
      const rows: { ids: string[] | null }[] = await dataSource.query(`SELECT ids FROM ${table} ORDER BY i`);
      expect(rows.map((row) => row.ids)).toEqual([...lists.map((ids) => ids.map((id) => id.toLowerCase())), null]);
      await expect(database.transaction((tx) => copyBinaryRows(tx, table, columns, [[0, [randomUUID(), 'not-a-uuid']]]))).rejects.toThrow('not a uuid');
      await expect(database.transaction((tx) => copyBinaryRows(tx, table, columns, [[0, randomUUID()]]))).rejects.toThrow('not a list of uuids');
      await expect(database.transaction((tx) => copyBinaryRows(tx, table, [{ name: 'i', type: 'int8' }], [[[randomUUID()]]]))).rejects.toThrow('a list for a int8 column');
    });
  });

  it('writes uuids given as their 16 bytes, and values repeated from row to row, exactly', async () => {
    const ids = new UuidV7Block(5);
    const [scope, other] = [randomUUID(), randomUUID()];
    const long = `ação ${'x'.repeat(80)}`; // longer than a remembered field
    const columns: BinaryColumn[] = [
      { name: 'id', type: 'uuid' },
      { name: 'scope', type: 'uuid' },
      { name: 'label', type: 'text' },
      { name: 'doc', type: 'jsonb' },
    ];
    await withProbeTable('id uuid, scope uuid, label text, doc jsonb', async (table) => {
      await database.transaction((tx) =>
        copyBinaryRows(tx, table, columns, [
          [ids.at(0), scope, 'ACCEPTED', '{"a":1}'],
          [ids.at(1), scope, 'ACCEPTED', '{"a":1}'],
          [ids.at(2), other, long, '{"a":1}'],
          [ids.at(3), scope.toUpperCase(), long, '{"b":2}'],
          [ids.at(4), scope, 'ação', null],
        ]),
      );
      const rows = await dataSource.query(`SELECT id, scope, label, doc FROM ${table} ORDER BY id`);
      expect(rows).toEqual([
        { id: ids.text(0), scope, label: 'ACCEPTED', doc: { a: 1 } },
        { id: ids.text(1), scope, label: 'ACCEPTED', doc: { a: 1 } },
        { id: ids.text(2), scope: other, label: long, doc: { a: 1 } },
        { id: ids.text(3), scope, label: long, doc: { b: 2 } },
        { id: ids.text(4), scope, label: 'ação', doc: null },
      ]);
      await expect(database.transaction((tx) => copyBinaryRows(tx, table, [{ name: 'scope', type: 'uuid' }], [[ids.at(0).subarray(0, 15)]]))).rejects.toThrow('15 bytes for a uuid column');
      await expect(database.transaction((tx) => copyBinaryRows(tx, table, [{ name: 'scope', type: 'uuid' }], [[scope], [scope], ['not-a-uuid']]))).rejects.toThrow('not a uuid');
    });
    await withProbeTable('label text', async (table) => {
      await expect(database.transaction((tx) => copyBinaryRows(tx, table, [{ name: 'label', type: 'text' }], [[ids.at(0)]]))).rejects.toThrow('16 bytes for a text column');
    });
  });

  it('writes rows field by field: uuids from a block at an offset, uuid[] element by element, the same as rows of values', async () => {
    const ids = new UuidV7Block(3);
    const members = [[randomUUID()], [], [randomUUID(), randomUUID().toUpperCase()]];
    const columns: BinaryColumn[] = [
      { name: 'id', type: 'uuid' },
      { name: 'members', type: 'uuid[]' },
      { name: 'label', type: 'text' },
      { name: 'doc', type: 'json' },
      { name: 'amount', type: 'int8' },
      { name: 'n', type: 'int2' },
    ];
    await withProbeTable('id uuid, members uuid[], label text, doc json, amount bigint, n smallint', async (table) => {
      await database.transaction((tx) =>
        copyBinary(tx, table, columns, function* (out) {
          for (let i = 0; i < 3; i++) {
            out.row();
            out.uuidBytes(ids.bytes, i * 16);
            out.uuidArray(members[i].length);
            for (const member of members[i]) out.uuidElement(member);
            out.text(i === 1 ? 'ação' : 'AUTO');
            out.text(`{"i":${i}}`);
            out.int8(BigInt(i) * 5_000_000_000n);
            if (i === 2) out.null();
            else out.int2(100 - i);
            yield;
          }
        }),
      );
      const rows = await dataSource.query(`SELECT id, members, label, doc, amount::text AS amount, n FROM ${table} ORDER BY id`);
      expect(rows).toEqual([0, 1, 2].map((i) => ({ id: ids.text(i), members: members[i].map((id) => id.toLowerCase()), label: i === 1 ? 'ação' : 'AUTO', doc: { i }, amount: String(BigInt(i) * 5_000_000_000n), n: i === 2 ? null : 100 - i })));
    });
  });

  it('refuses a field that does not follow its columns (wrong type, missing, outside a row, uuid[] elements short or extra) and writes nothing', async () => {
    const columns: BinaryColumn[] = [
      { name: 'id', type: 'uuid' },
      { name: 'members', type: 'uuid[]' },
    ];
    const [id, member] = [randomUUID(), randomUUID()];
    const attempts: [string, (out: BinaryRowWriter) => void][] = [
      ['id: a text value for a uuid column', (out) => (out.row(), out.text(id))],
      ['a row of 1 values for 2 columns', (out) => (out.row(), out.uuid(id), out.row())],
      ['a row of 1 values for 2 columns', (out) => (out.row(), out.uuid(id))],
      ['a value outside a row', (out) => out.uuid(id)],
      ['members: 1 uuid[] elements missing', (out) => (out.row(), out.uuid(id), out.uuidArray(2), out.uuidElement(member), out.row())],
      ['a uuid element outside a uuid[]', (out) => (out.row(), out.uuid(id), out.uuidArray(1), out.uuidElement(member), out.uuidElement(member))],
      ['beyond its 2 columns', (out) => (out.row(), out.uuid(id), out.uuidArray(0), out.null())],
      ['id: 8 bytes for a uuid column', (out) => (out.row(), out.uuidBytes(Buffer.alloc(8), 0, 8))],
    ];
    await withProbeTable('id uuid, members uuid[]', async (table) => {
      for (const [message, write] of attempts) {
        await expect(
          database.transaction((tx) =>
            copyBinary(tx, table, columns, function* (out) {
              out.row();
              out.uuid(randomUUID());
              out.uuidArray(0);
              yield;
              write(out);
              yield;
            }),
          ),
        ).rejects.toThrow(message);
      }
      expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    });
  });

  it('refuses a value that does not fit its column type (uuid, smallint, boolean) before anything is written', async () => {
    await withProbeTable('id uuid, n smallint, flag boolean', async (table) => {
      for (const bad of ['not-a-uuid', `${randomUUID()}0`, randomUUID().slice(0, 35), 'g'.repeat(32)]) {
        await expect(database.transaction((tx) => copyBinaryRows(tx, table, [{ name: 'id', type: 'uuid' }], [[randomUUID()], [bad]]))).rejects.toThrow('not a uuid');
      }
      await expect(database.transaction((tx) => copyBinaryRows(tx, table, [{ name: 'n', type: 'int2' }], [[1.5]]))).rejects.toThrow('not a smallint');
      await expect(database.transaction((tx) => copyBinaryRows(tx, table, [{ name: 'flag', type: 'bool' }], [['false']]))).rejects.toThrow('not a boolean');
      expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    });
  });

  it('reads bigints exactly on both sides of the 15-digit fast path, with NULL and ascii fields', async () => {
    const amounts = [0n, -1n, 999_999_999_999_999n, -999_999_999_999_999n, 1_234_567_890_123_456n, -9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n];
    const read: [bigint, string, boolean][] = [];
    await copyOutRows(
      database,
      `SELECT a, 'x' || a::text, NULL::text FROM unnest(ARRAY[${amounts.join(',')}]::bigint[]) WITH ORDINALITY AS t(a, n) ORDER BY n`,
      (row) => read.push([row.bigint(0), row.ascii(1), row.isNull(2)]),
    );
    expect(read).toEqual(amounts.map((amount) => [amount, `x${amount}`, true]));
    for (const notAnInteger of ['NULL::bigint', "'1.5'::numeric", "''::text", "'-'::text"]) {
      await expect(copyOutRows(database, `SELECT ${notAnInteger}`, (row) => row.bigint(0))).rejects.toThrow('not an integer');
    }
  });

  it('rolls COPY-written rows back with their transaction', async () => {
    await withProbeTable('id int', async (table) => {
      await expect(
        database.transaction(async (tx) => {
          await copyRows(tx, table, ['id'], [[1], [2]]);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    });
  });

  it('inlines only validated uuids and dates', () => {
    expect(sqlLiteral('2026-01-31', 'date')).toBe("'2026-01-31'");
    expect(() => sqlLiteral("x'; DROP TABLE accounts; --", 'uuid')).toThrow();
    expect(() => sqlLiteral('2026-01-31; --', 'date')).toThrow();
  });
});
