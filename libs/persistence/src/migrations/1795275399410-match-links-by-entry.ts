import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Matches list their entries (statement_entry_ids, ledger_entry_ids), and match_items keeps only
 * the links of active matches, keyed by entry: the primary key is now what keeps an entry in one
 * active match at most (it was a partial unique index beside a (match_id, entry_id) key, and each
 * index cost a matching pass about two seconds per million links). Links of matches taken apart
 * move to released_match_items, the entries' history. Data is moved, not dropped; on a large
 * database the backfill rewrites matches, so run it in a quiet window.
 */
export class MatchLinksByEntry1795275399410 implements MigrationInterface {
    name = 'MatchLinksByEntry1795275399410'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // The move relies on links being active exactly while their match is: refuse otherwise.
        await queryRunner.query(`
            DO $$ BEGIN
              IF EXISTS (SELECT 1 FROM "match_items" mi JOIN "matches" m ON m.id = mi.match_id
                          WHERE mi.active <> (m.status IN ('SUGGESTED', 'ACCEPTED'))) THEN
                RAISE EXCEPTION 'match_items.active disagrees with its match''s status; fix those rows before this migration';
              END IF;
            END $$
        `);
        await queryRunner.query(`
            ALTER TABLE "matches" ADD "statement_entry_ids" uuid array, ADD "ledger_entry_ids" uuid array
        `);
        await queryRunner.query(`
            UPDATE "matches" m SET "statement_entry_ids" = x.s, "ledger_entry_ids" = x.l
              FROM (SELECT match_id,
                           coalesce(array_agg(entry_id ORDER BY entry_id) FILTER (WHERE side = 'STATEMENT'), '{}') AS s,
                           coalesce(array_agg(entry_id ORDER BY entry_id) FILTER (WHERE side = 'LEDGER'), '{}') AS l
                      FROM "match_items" GROUP BY match_id) x
             WHERE x.match_id = m.id
        `);
        await queryRunner.query(`
            UPDATE "matches" SET "statement_entry_ids" = coalesce("statement_entry_ids", '{}'), "ledger_entry_ids" = coalesce("ledger_entry_ids", '{}')
             WHERE "statement_entry_ids" IS NULL OR "ledger_entry_ids" IS NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "matches" ALTER COLUMN "statement_entry_ids" SET NOT NULL, ALTER COLUMN "ledger_entry_ids" SET NOT NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "released_match_items" (
                "entry_id" uuid NOT NULL,
                "match_id" uuid NOT NULL,
                "side" character varying(9) NOT NULL,
                "tenant_id" uuid NOT NULL,
                "reconciliation_id" uuid NOT NULL,
                CONSTRAINT "pk_released_match_items" PRIMARY KEY ("entry_id", "match_id")
            )
        `);
        await queryRunner.query(`
            INSERT INTO "released_match_items" (entry_id, match_id, side, tenant_id, reconciliation_id)
            SELECT entry_id, match_id, side, tenant_id, reconciliation_id FROM "match_items" WHERE NOT active
        `);
        await queryRunner.query(`
            DELETE FROM "match_items" WHERE NOT active
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_match_items_active_entry"
        `);
        await queryRunner.query(`
            ALTER TABLE "match_items" DROP CONSTRAINT "PK_7b6e56db615630c7096510e3ced"
        `);
        await queryRunner.query(`
            ALTER TABLE "match_items" DROP COLUMN "active"
        `);
        await queryRunner.query(`
            ALTER TABLE "match_items" ADD CONSTRAINT "pk_match_items_entry" PRIMARY KEY ("entry_id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "match_items" DROP CONSTRAINT "pk_match_items_entry"
        `);
        await queryRunner.query(`
            ALTER TABLE "match_items" ADD "active" boolean NOT NULL DEFAULT true
        `);
        await queryRunner.query(`
            INSERT INTO "match_items" (entry_id, match_id, side, tenant_id, reconciliation_id, active)
            SELECT entry_id, match_id, side, tenant_id, reconciliation_id, false FROM "released_match_items"
        `);
        await queryRunner.query(`
            ALTER TABLE "match_items" ADD CONSTRAINT "PK_7b6e56db615630c7096510e3ced" PRIMARY KEY ("match_id", "entry_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_match_items_active_entry" ON "match_items" ("entry_id")
            WHERE active
        `);
        await queryRunner.query(`
            DROP TABLE "released_match_items"
        `);
        await queryRunner.query(`
            ALTER TABLE "matches" DROP COLUMN "ledger_entry_ids", DROP COLUMN "statement_entry_ids"
        `);
    }

}
