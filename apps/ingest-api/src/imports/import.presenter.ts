import type { ImportEntity, ImportProfileEntity } from '@concilia/persistence';

/** An import as the API shows it. `details` carries the statements found (statement files) or created/updated/unchanged (ledger files). */
export function presentImport(entity: ImportEntity) {
  return {
    id: entity.id,
    side: entity.side,
    accountId: entity.accountId,
    reconciliationId: entity.reconciliationId,
    format: entity.format,
    status: entity.status,
    fileName: entity.fileName,
    size: Number(entity.sizeBytes),
    sha256: entity.sha256.trim(),
    profileId: entity.profileId,
    imported: entity.imported,
    duplicates: entity.duplicates,
    skipped: entity.skipped,
    ...entity.details,
    failureCode: entity.failureCode,
    errors: entity.errors ?? [],
    createdAt: entity.createdAt.toISOString(),
    deletedAt: entity.deletedAt?.toISOString() ?? null,
  };
}

/** The `data` of import.completed / import.failed: ids and counts, never rows. */
export function presentImportEvent(entity: ImportEntity): Record<string, unknown> {
  return {
    importId: entity.id,
    side: entity.side,
    accountId: entity.accountId,
    reconciliationId: entity.reconciliationId,
    format: entity.format,
    status: entity.status,
    fileName: entity.fileName,
    sha256: entity.sha256.trim(),
    imported: entity.imported,
    duplicates: entity.duplicates,
    skipped: entity.skipped,
  };
}

export function presentImportProfile(profile: ImportProfileEntity) {
  return {
    id: profile.id,
    name: profile.name,
    format: profile.format,
    ...profile.settings,
    createdAt: profile.createdAt.toISOString(),
    updatedAt: profile.updatedAt.toISOString(),
  };
}
