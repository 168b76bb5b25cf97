import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A match's only settlement now takes the match's id (see settlementRows), so the primary key
 * keeps it one per match; the unique index on (match, ledger entry) holds only the settlements
 * of matches over several ledger entries. Settlements stored before all have ids of their own,
 * so the new index holds every one of them and nothing is refused.
 */
export class SettlementsOwnIdIndex1795292780273 implements MigrationInterface {
    name = 'SettlementsOwnIdIndex1795292780273'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ux_settlements_match_ledger_entry"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_settlements_match_ledger_entry" ON "settlements" ("match_id", "ledger_entry_id")
            WHERE "id" <> "match_id"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ux_settlements_match_ledger_entry"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_settlements_match_ledger_entry" ON "settlements" ("match_id", "ledger_entry_id")
        `);
    }
}
