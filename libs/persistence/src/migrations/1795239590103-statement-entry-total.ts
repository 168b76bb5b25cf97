import { MigrationInterface, QueryRunner } from "typeorm";

export class StatementEntryTotal1795239590103 implements MigrationInterface {
    name = 'StatementEntryTotal1795239590103'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "reconciliations"
            ADD "statement_entry_total" bigint NOT NULL DEFAULT '0'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "reconciliations" DROP COLUMN "statement_entry_total"
        `);
    }

}
