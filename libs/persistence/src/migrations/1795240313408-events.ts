import { MigrationInterface, QueryRunner } from "typeorm";

export class Events1795240313408 implements MigrationInterface {
    name = 'Events1795240313408'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "events" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "type" character varying(64) NOT NULL,
                "data" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_events_tenant" ON "events" ("tenant_id", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_events_tenant"
        `);
        await queryRunner.query(`
            DROP TABLE "events"
        `);
    }

}
