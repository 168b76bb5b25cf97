import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * ledger_versions: one counter per account, moved by every change to what its reconciliations
 * see of its ledger, so that a matching pass can tell whether its read still holds at commit
 * (see repositories/ledger-version.ts). Rows are made on the first change: nothing to backfill.
 */
export class LedgerVersions1795274755473 implements MigrationInterface {
    name = 'LedgerVersions1795274755473'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "ledger_versions" (
                "account_id" uuid NOT NULL,
                "version" bigint NOT NULL,
                CONSTRAINT "PK_883157eab22a7ab61ac1bb218fe" PRIMARY KEY ("account_id")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "ledger_versions"
            ADD CONSTRAINT "fk_ledger_versions_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "ledger_versions" DROP CONSTRAINT "fk_ledger_versions_account"
        `);
        await queryRunner.query(`
            DROP TABLE "ledger_versions"
        `);
    }

}
