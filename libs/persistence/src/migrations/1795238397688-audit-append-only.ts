import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Audit events are append-only: the database refuses UPDATE and DELETE, whatever the code does. */
export class AuditAppendOnly1795238397688 implements MigrationInterface {
  name = 'AuditAppendOnly1795238397688';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events');
    await queryRunner.query('DROP FUNCTION IF EXISTS audit_events_append_only()');
  }
}
