import { MigrationInterface, QueryRunner } from "typeorm";

export class MatchingResults1795240113402 implements MigrationInterface {
    name = 'MatchingResults1795240113402'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "matching_runs" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "reconciliation_id" uuid NOT NULL,
                "run_version" integer NOT NULL,
                "status" character varying(16) NOT NULL,
                "rules_snapshot" jsonb NOT NULL,
                "stats" jsonb,
                "failure_reason" text,
                "attempts" integer NOT NULL DEFAULT '1',
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "finished_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_c0bebed77bb3aa81e48b4654d40" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_matching_runs_reconciliation_version" ON "matching_runs" ("reconciliation_id", "run_version")
        `);
        await queryRunner.query(`
            CREATE TABLE "matches" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "reconciliation_id" uuid NOT NULL,
                "run_id" uuid,
                "method" character varying(8) NOT NULL,
                "rule" character varying(16) NOT NULL,
                "status" character varying(12) NOT NULL,
                "confidence" smallint NOT NULL,
                "currency" character(3) NOT NULL,
                "statement_total" bigint NOT NULL,
                "ledger_total" bigint NOT NULL,
                "difference" bigint NOT NULL,
                "explanation" jsonb NOT NULL,
                "note" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "decided_at" TIMESTAMP WITH TIME ZONE,
                "decided_by" character varying(64),
                CONSTRAINT "PK_8a22c7b2e0828988d51256117f4" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_matches_reconciliation" ON "matches" ("reconciliation_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "match_items" (
                "match_id" uuid NOT NULL,
                "entry_id" uuid NOT NULL,
                "side" character varying(9) NOT NULL,
                "tenant_id" uuid NOT NULL,
                "reconciliation_id" uuid NOT NULL,
                "active" boolean NOT NULL DEFAULT true,
                CONSTRAINT "PK_7b6e56db615630c7096510e3ced" PRIMARY KEY ("match_id", "entry_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_match_items_reconciliation" ON "match_items" ("reconciliation_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_match_items_active_entry" ON "match_items" ("entry_id")
            WHERE "active"
        `);
        await queryRunner.query(`
            CREATE TABLE "discrepancies" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "reconciliation_id" uuid NOT NULL,
                "run_id" uuid,
                "match_id" uuid,
                "type" character varying(32) NOT NULL,
                "severity" character varying(8) NOT NULL,
                "amount" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "statement_entry_ids" uuid array NOT NULL,
                "ledger_entry_ids" uuid array NOT NULL,
                "detail" text NOT NULL,
                "status" character varying(12) NOT NULL DEFAULT 'OPEN',
                "resolution" character varying(12) NOT NULL DEFAULT 'PENDING',
                "adjusted_amount" bigint,
                "remarks" text,
                "note" text,
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                "resolved_by" character varying(64),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_005b9e1e000e07fa32429ac4aa1" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_discrepancies_reconciliation" ON "discrepancies" ("reconciliation_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "settlements" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "account_id" uuid NOT NULL,
                "reconciliation_id" uuid NOT NULL,
                "match_id" uuid NOT NULL,
                "ledger_entry_id" uuid NOT NULL,
                "currency" character(3) NOT NULL,
                "expected_amount" bigint NOT NULL,
                "received_amount" bigint NOT NULL,
                "difference" bigint NOT NULL,
                "breakdown" jsonb NOT NULL,
                "status" character varying(12) NOT NULL DEFAULT 'PENDING',
                "remarks" text,
                "read_at" TIMESTAMP WITH TIME ZONE,
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5f523ce152b84e818bff9467aab" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_settlements_match_ledger_entry" ON "settlements" ("match_id", "ledger_entry_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_settlements_tenant_status" ON "settlements" ("tenant_id", "status", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_settlements_tenant_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_settlements_match_ledger_entry"
        `);
        await queryRunner.query(`
            DROP TABLE "settlements"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_discrepancies_reconciliation"
        `);
        await queryRunner.query(`
            DROP TABLE "discrepancies"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_match_items_active_entry"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_match_items_reconciliation"
        `);
        await queryRunner.query(`
            DROP TABLE "match_items"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_matches_reconciliation"
        `);
        await queryRunner.query(`
            DROP TABLE "matches"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_matching_runs_reconciliation_version"
        `);
        await queryRunner.query(`
            DROP TABLE "matching_runs"
        `);
    }

}
