import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * matches.explanation and settlements.breakdown become json: a matching pass writes them a
 * million at a time and they are only ever read whole, so jsonb's parse on write bought nothing.
 * Converted in place (TypeORM generated a drop and re-add, which would lose every value); the
 * ALTER rewrites both tables, so on a large database run it in a quiet window.
 */
export class ExplanationAndBreakdownAsJson1795262925058 implements MigrationInterface {
    name = 'ExplanationAndBreakdownAsJson1795262925058'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "matches" ALTER COLUMN "explanation" TYPE json USING "explanation"::json
        `);
        await queryRunner.query(`
            ALTER TABLE "settlements" ALTER COLUMN "breakdown" TYPE json USING "breakdown"::json
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "settlements" ALTER COLUMN "breakdown" TYPE jsonb USING "breakdown"::jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "matches" ALTER COLUMN "explanation" TYPE jsonb USING "explanation"::jsonb
        `);
    }

}
