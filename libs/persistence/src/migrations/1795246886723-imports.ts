import { MigrationInterface, QueryRunner } from "typeorm";

export class Imports1795246886723 implements MigrationInterface {
    name = 'Imports1795246886723'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "imports" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "account_id" uuid NOT NULL,
                "reconciliation_id" uuid,
                "side" character varying(9) NOT NULL,
                "format" character varying(16) NOT NULL,
                "status" character varying(9) NOT NULL,
                "file_name" character varying(255),
                "size_bytes" bigint NOT NULL,
                "sha256" character(64) NOT NULL,
                "profile_id" uuid,
                "imported" integer NOT NULL DEFAULT '0',
                "duplicates" integer NOT NULL DEFAULT '0',
                "skipped" integer NOT NULL DEFAULT '0',
                "details" jsonb NOT NULL DEFAULT '{}',
                "failure_code" character varying(64),
                "errors" jsonb,
                "created_by" character varying(64),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_ea10c62f5eb1d75e83d8b5225db" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_imports_account_sha256" ON "imports" ("account_id", "sha256")
            WHERE "status" = 'COMPLETED'
                AND "side" = 'LEDGER'
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_imports_reconciliation_sha256" ON "imports" ("reconciliation_id", "sha256")
            WHERE "status" = 'COMPLETED'
                AND "side" = 'STATEMENT'
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_imports_account" ON "imports" ("account_id", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_imports_reconciliation" ON "imports" ("reconciliation_id", "id")
            WHERE "reconciliation_id" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "import_profiles" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "name" character varying(100) NOT NULL,
                "format" character varying(16) NOT NULL DEFAULT 'csv',
                "settings" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ef179128b4ec8f73de28ab64139" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_import_profiles_tenant_name" ON "import_profiles" ("tenant_id", "name")
        `);
        await queryRunner.query(`
            ALTER TABLE "statement_entries"
            ADD "import_id" uuid
        `);
        await queryRunner.query(`
            ALTER TABLE "statement_entries"
            ADD "import_row_key" character varying(80)
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_statement_entries_import" ON "statement_entries" ("import_id")
            WHERE "import_id" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_statement_entries_reconciliation_import_row_key" ON "statement_entries" ("reconciliation_id", "import_row_key")
            WHERE "import_row_key" IS NOT NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "imports"
            ADD CONSTRAINT "fk_imports_reconciliation" FOREIGN KEY ("reconciliation_id") REFERENCES "reconciliations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "imports" DROP CONSTRAINT "fk_imports_reconciliation"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_statement_entries_reconciliation_import_row_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_statement_entries_import"
        `);
        await queryRunner.query(`
            ALTER TABLE "statement_entries" DROP COLUMN "import_row_key"
        `);
        await queryRunner.query(`
            ALTER TABLE "statement_entries" DROP COLUMN "import_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_import_profiles_tenant_name"
        `);
        await queryRunner.query(`
            DROP TABLE "import_profiles"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_imports_reconciliation"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_imports_account"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_imports_reconciliation_sha256"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_imports_account_sha256"
        `);
        await queryRunner.query(`
            DROP TABLE "imports"
        `);
    }

}
