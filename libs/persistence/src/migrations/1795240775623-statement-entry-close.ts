import { MigrationInterface, QueryRunner } from "typeorm";

export class StatementEntryClose1795240775623 implements MigrationInterface {
    name = 'StatementEntryClose1795240775623'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "statement_entries"
            ADD "closed_at" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "statement_entries"
            ADD "closed_reason" character varying(32)
        `);
        await queryRunner.query(`
            ALTER TABLE "statement_entries"
            ADD "closed_note" text
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "statement_entries" DROP COLUMN "closed_note"
        `);
        await queryRunner.query(`
            ALTER TABLE "statement_entries" DROP COLUMN "closed_reason"
        `);
        await queryRunner.query(`
            ALTER TABLE "statement_entries" DROP COLUMN "closed_at"
        `);
    }

}
