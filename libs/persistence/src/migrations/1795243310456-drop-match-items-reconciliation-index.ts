import { MigrationInterface, QueryRunner } from "typeorm";

export class DropMatchItemsReconciliationIndex1795243310456 implements MigrationInterface {
    name = 'DropMatchItemsReconciliationIndex1795243310456'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_match_items_reconciliation"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "ix_match_items_reconciliation" ON "match_items" ("reconciliation_id")
        `);
    }

}
