import { MigrationInterface, QueryRunner } from "typeorm";

export class ReleaseTypes1795240949805 implements MigrationInterface {
    name = 'ReleaseTypes1795240949805'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "release_types" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "channel" character varying(64) NOT NULL,
                "code" character varying(64) NOT NULL,
                "name" character varying(200) NOT NULL,
                "category" character varying(16) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f45ee0f67dc485c9fb29805e934" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_release_types_tenant_channel_code" ON "release_types" ("tenant_id", "channel", "code")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ux_release_types_tenant_channel_code"
        `);
        await queryRunner.query(`
            DROP TABLE "release_types"
        `);
    }

}
