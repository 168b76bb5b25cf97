import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { Database } from '../database';
import { copyOut, copyOutText, copyRows, fromCopyText, parseTextArray, sqlLiteral } from './copy-rows';

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

  it('round-trips awkward text, nulls and big amounts through COPY in both directions', async () => {
    const table = `copy_probe_${randomUUID().replace(/-/g, '')}`;
    const texts = ['plain', 'tab\there', 'line\nbreak', 'back\\slash', '\\N', 'quote "x" \'y\'', 'carriage\rreturn', 'ação €'];
    await dataSource.query(`CREATE TABLE ${table} (id int, body text, amount bigint)`);
    try {
      await database.transaction((tx) =>
        copyRows(tx, table, ['id', 'body', 'amount'], [...texts.map((text, i) => [i, text, 9_223_372_036_854_775_807n] as const), [99, null, null]]),
      );
      const read: (string | null)[][] = [];
      await copyOut(database, `SELECT id, body, amount FROM ${table} ORDER BY id`, (fields) => read.push(fields));
      expect(read).toEqual([...texts.map((text, i) => [String(i), text, '9223372036854775807']), ['99', null, null]]);
    } finally {
      await dataSource.query(`DROP TABLE ${table}`);
    }
  });

  it('reads text[] columns through COPY text back to their elements, however awkward', async () => {
    const table = `copy_probe_${randomUUID().replace(/-/g, '')}`;
    const arrays = [[], ['PED-1'], ['a', 'b'], ['with space', 'comma,inside', 'quote"d', 'back\\slash', '{braces}', '', 'NULL', 'tab\there', 'ação'], ['"', '\\', ',', 'x']];
    await dataSource.query(`CREATE TABLE ${table} (id int, refs text[])`);
    try {
      for (const [i, refs] of arrays.entries()) await dataSource.query(`INSERT INTO ${table} VALUES ($1, $2)`, [i, refs]);
      const read: string[][] = [];
      await copyOutText(database, `SELECT refs FROM ${table} ORDER BY id`, ([refs]) => read.push(parseTextArray(fromCopyText(refs) as string)));
      expect(read).toEqual(arrays);
    } finally {
      await dataSource.query(`DROP TABLE ${table}`);
    }
  });

  it('rolls COPY-written rows back with their transaction', async () => {
    const table = `copy_probe_${randomUUID().replace(/-/g, '')}`;
    await dataSource.query(`CREATE TABLE ${table} (id int)`);
    try {
      await expect(
        database.transaction(async (tx) => {
          await copyRows(tx, table, ['id'], [[1], [2]]);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    } finally {
      await dataSource.query(`DROP TABLE ${table}`);
    }
  });

  it('inlines only validated uuids and dates', () => {
    expect(sqlLiteral('2026-01-31', 'date')).toBe("'2026-01-31'");
    expect(() => sqlLiteral("x'; DROP TABLE accounts; --", 'uuid')).toThrow();
    expect(() => sqlLiteral('2026-01-31; --', 'date')).toThrow();
  });
});
