import { MigrationInterface, QueryRunner } from "typeorm";

export class Webhooks1795243090392 implements MigrationInterface {
    name = 'Webhooks1795243090392'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "webhook_endpoints" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "url" text NOT NULL,
                "description" character varying(500),
                "events" text array NOT NULL,
                "enabled" boolean NOT NULL DEFAULT true,
                "disabled_reason" character varying(200),
                "secret" text NOT NULL,
                "previous_secret" text,
                "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE,
                "failing_since" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_endpoints_tenant" ON "webhook_endpoints" ("tenant_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "endpoint_id" uuid NOT NULL,
                "event_id" uuid NOT NULL,
                "event_type" character varying(64) NOT NULL,
                "status" character varying(12) NOT NULL DEFAULT 'PENDING',
                "attempts" integer NOT NULL DEFAULT '0',
                "next_attempt_at" TIMESTAMP WITH TIME ZONE,
                "last_status_code" smallint,
                "last_error" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_deliveries_endpoint" ON "webhook_deliveries" ("endpoint_id", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_webhook_deliveries_event_endpoint" ON "webhook_deliveries" ("event_id", "endpoint_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_attempts" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "delivery_id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "status_code" smallint,
                "duration_ms" integer NOT NULL,
                "error" text,
                "response_excerpt" text,
                CONSTRAINT "PK_2de7e7887ad97de459adab62638" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_attempts_delivery" ON "webhook_attempts" ("delivery_id", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_attempts_delivery"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_attempts"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_webhook_deliveries_event_endpoint"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_deliveries_endpoint"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_deliveries"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_endpoints_tenant"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_endpoints"
        `);
    }

}
