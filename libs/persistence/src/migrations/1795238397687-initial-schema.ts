import { MigrationInterface, QueryRunner } from "typeorm";

export class InitialSchema1795238397687 implements MigrationInterface {
    name = 'InitialSchema1795238397687'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "tenants" (
                "id" uuid NOT NULL,
                "name" character varying(200) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "accounts" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "name" character varying(200) NOT NULL,
                "kind" character varying(16) NOT NULL,
                "currency" character(3) NOT NULL,
                "channel" character varying(64),
                "external_id" character varying(255),
                "status" character varying(16) NOT NULL DEFAULT 'ACTIVE',
                "max_period_days" integer NOT NULL DEFAULT '90',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5a7a02c20412299d198e097a8fe" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_accounts_tenant" ON "accounts" ("tenant_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "name" character varying(200) NOT NULL,
                "key_prefix" character varying(32) NOT NULL,
                "key_hash" bytea NOT NULL,
                "scopes" text array NOT NULL,
                "allowed_ips" text array NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_api_keys_hash" ON "api_keys" ("key_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_api_keys_tenant" ON "api_keys" ("tenant_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "tenant_id" uuid NOT NULL,
                "actor_type" character varying(16) NOT NULL,
                "actor_id" uuid,
                "action" character varying(64) NOT NULL,
                "target_type" character varying(32) NOT NULL,
                "target_id" uuid,
                "ip_address" character varying(64),
                "request_id" character varying(128),
                "before" jsonb,
                "after" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_events_tenant" ON "audit_events" ("tenant_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "idempotency_keys" (
                "scope" character varying(64) NOT NULL,
                "key" character varying(255) NOT NULL,
                "request_hash" character(64) NOT NULL,
                "state" character varying(16) NOT NULL,
                "response_status" smallint,
                "response_headers" jsonb,
                "response_body" text,
                "locked_until" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_15de2f76fa9f27ad8f330983607" PRIMARY KEY ("scope", "key")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_idempotency_keys_expires" ON "idempotency_keys" ("expires_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "ledger_entries" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "account_id" uuid NOT NULL,
                "external_id" character varying(255) NOT NULL,
                "kind" character varying(16) NOT NULL,
                "amount" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "entry_date" date NOT NULL,
                "expected_settlement_date" date,
                "status" character varying(64),
                "refs" text array NOT NULL DEFAULT '{}',
                "description" text,
                "counterparty" character varying(255),
                "metadata" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_6efcb84411d3f08b08450ae75d5" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_ledger_entries_account_date" ON "ledger_entries" ("account_id", "entry_date")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_ledger_entries_account_external_id" ON "ledger_entries" ("account_id", "external_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "matching_rules" (
                "account_id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "amount_tolerance" bigint NOT NULL,
                "amount_tolerance_bps" integer NOT NULL,
                "date_window_days" integer NOT NULL,
                "reference_patterns" text array NOT NULL,
                "use_external_id_as_reference" boolean NOT NULL,
                "strategies" text array NOT NULL,
                "auto_accept_threshold" smallint NOT NULL,
                "suggest_threshold" smallint NOT NULL,
                "max_group_size" smallint NOT NULL,
                "severity_warning_amount" bigint NOT NULL,
                "severity_critical_amount" bigint NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_4b0ceac0ce2314a81ce55718c87" PRIMARY KEY ("account_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "outbox" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "tenant_id" uuid,
                "queue" character varying(64) NOT NULL,
                "job_name" character varying(64) NOT NULL,
                "job_id" character varying(160) NOT NULL,
                "payload" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "published_at" TIMESTAMP WITH TIME ZONE,
                "publish_attempts" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_outbox_unpublished" ON "outbox" ("id")
            WHERE "published_at" IS NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "reconciliations" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "account_id" uuid NOT NULL,
                "currency" character(3) NOT NULL,
                "period_start" date NOT NULL,
                "period_end" date NOT NULL,
                "mode" character varying(16) NOT NULL,
                "status" character varying(24) NOT NULL,
                "previous_status" character varying(24),
                "expected_entry_count" integer,
                "statement_entry_count" integer NOT NULL DEFAULT '0',
                "submitted_at" TIMESTAMP WITH TIME ZONE,
                "note" text,
                "run_version" integer NOT NULL DEFAULT '0',
                "rematch_requested" boolean NOT NULL DEFAULT false,
                "summary" jsonb,
                "progress" jsonb,
                "failure_reason" text,
                "last_matched_at" TIMESTAMP WITH TIME ZONE,
                "finalized_at" TIMESTAMP WITH TIME ZONE,
                "finalized_by" character varying(64),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ex_reconciliations_period" EXCLUDE USING gist (
                    "account_id" WITH =,
                    daterange("period_start", "period_end", '[]') WITH &&
                ),
                CONSTRAINT "PK_110f3839ca29e2fd8ff4aaec7b8" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_reconciliations_tenant" ON "reconciliations" ("tenant_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "statement_entries" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "reconciliation_id" uuid NOT NULL,
                "account_id" uuid NOT NULL,
                "external_id" character varying(255),
                "amount" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "entry_date" date NOT NULL,
                "value_date" date,
                "release_type" character varying(64),
                "refs" text array NOT NULL DEFAULT '{}',
                "description" text,
                "status" character varying(64),
                "counterparty" character varying(255),
                "metadata" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ae8ae259282b22ef81326a98824" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_statement_entries_reconciliation_external_id" ON "statement_entries" ("reconciliation_id", "external_id")
            WHERE "external_id" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_statement_entries_reconciliation" ON "statement_entries" ("reconciliation_id", "id")
        `);
        await queryRunner.query(`
            ALTER TABLE "accounts"
            ADD CONSTRAINT "fk_accounts_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD CONSTRAINT "fk_api_keys_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "ledger_entries"
            ADD CONSTRAINT "fk_ledger_entries_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "matching_rules"
            ADD CONSTRAINT "fk_matching_rules_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reconciliations"
            ADD CONSTRAINT "fk_reconciliations_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "statement_entries"
            ADD CONSTRAINT "fk_statement_entries_reconciliation" FOREIGN KEY ("reconciliation_id") REFERENCES "reconciliations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "statement_entries" DROP CONSTRAINT "fk_statement_entries_reconciliation"
        `);
        await queryRunner.query(`
            ALTER TABLE "reconciliations" DROP CONSTRAINT "fk_reconciliations_account"
        `);
        await queryRunner.query(`
            ALTER TABLE "matching_rules" DROP CONSTRAINT "fk_matching_rules_account"
        `);
        await queryRunner.query(`
            ALTER TABLE "ledger_entries" DROP CONSTRAINT "fk_ledger_entries_account"
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys" DROP CONSTRAINT "fk_api_keys_tenant"
        `);
        await queryRunner.query(`
            ALTER TABLE "accounts" DROP CONSTRAINT "fk_accounts_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_statement_entries_reconciliation"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_statement_entries_reconciliation_external_id"
        `);
        await queryRunner.query(`
            DROP TABLE "statement_entries"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_reconciliations_tenant"
        `);
        await queryRunner.query(`
            DROP TABLE "reconciliations"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_outbox_unpublished"
        `);
        await queryRunner.query(`
            DROP TABLE "outbox"
        `);
        await queryRunner.query(`
            DROP TABLE "matching_rules"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_ledger_entries_account_external_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_ledger_entries_account_date"
        `);
        await queryRunner.query(`
            DROP TABLE "ledger_entries"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_idempotency_keys_expires"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotency_keys"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_events_tenant"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_api_keys_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_api_keys_hash"
        `);
        await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_accounts_tenant"
        `);
        await queryRunner.query(`
            DROP TABLE "accounts"
        `);
        await queryRunner.query(`
            DROP TABLE "tenants"
        `);
    }

}
