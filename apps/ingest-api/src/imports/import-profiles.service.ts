import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '@concilia/domain';
import { ImportProfileRepository, pgConstraint, pgErrorCode, PG_ERRORS, type ImportProfileEntity, type Page, type PageRequest } from '@concilia/persistence';
import { type CsvProfile, type StatementFormat, validateCsvProfile } from '@concilia/statement-files';
import { isUuid } from '../http/uuid-param.pipe';

const MAX_NAME_LENGTH = 100;

/** The profile an upload is read with: a tenant's, or the built-in one (canonical column names). */
export interface UploadProfile {
  id: string | null;
  settings: CsvProfile | 'default';
}

/**
 * CSV mapping profiles. A body is `{ name, ...profile }` with the profile's properties at the top
 * level (delimiter, decimalSeparator, dateFormat, columns, sign, ...), validated by the CSV reader's
 * own rules so that a stored profile always reads.
 */
@Injectable()
export class ImportProfilesService {
  constructor(private readonly profiles: ImportProfileRepository) {}

  async create(tenantId: string, body: unknown): Promise<ImportProfileEntity> {
    const { name, settings } = splitBody(body, true);
    return this.named(() => this.profiles.insert({ id: uuidv7(), tenantId, name: name as string, format: 'csv', settings: { ...validatedProfile(settings) } }));
  }

  list(tenantId: string, page: PageRequest): Promise<Page<ImportProfileEntity>> {
    return this.profiles.list(tenantId, page);
  }

  async get(tenantId: string, id: string): Promise<ImportProfileEntity> {
    const profile = await this.profiles.findById(tenantId, id);
    if (!profile) throw new DomainError('not_found', 'No import profile with this id.');
    return profile;
  }

  /** Changes the given properties; the result is validated whole. */
  async update(tenantId: string, id: string, body: unknown): Promise<ImportProfileEntity> {
    const profile = await this.get(tenantId, id);
    const { name, settings } = splitBody(body, false);
    const merged = { ...profile.settings, ...settings };
    return this.named(() => this.profiles.update(profile, { name: name ?? profile.name, settings: { ...validatedProfile(merged) } }));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.profiles.delete(tenantId, id))) throw new DomainError('not_found', 'No import profile with this id.');
  }

  /** The profile to read an upload with. Profiles are for CSV; other formats say what they hold. */
  async forUpload(tenantId: string, format: StatementFormat, profileId: string | undefined): Promise<UploadProfile> {
    if (profileId === undefined) return { id: null, settings: 'default' };
    if (format !== 'csv') throw DomainError.field('validation_failed', 'profileId', `profiles apply to CSV files; a ${format} file describes itself`);
    const profile = isUuid(profileId) ? await this.profiles.findById(tenantId, profileId) : null;
    if (!profile) throw DomainError.field('validation_failed', 'profileId', 'no import profile with this id');
    return { id: profile.id, settings: validateCsvProfile(profile.settings) };
  }

  private async named<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (pgErrorCode(error) === PG_ERRORS.uniqueViolation && pgConstraint(error) === 'ux_import_profiles_tenant_name') {
        throw DomainError.field('validation_failed', 'name', 'another import profile has this name');
      }
      throw error;
    }
  }
}

/** The reader's own validation; unknown properties are 400 unknown_field, as for every body (API.md). */
function validatedProfile(settings: Record<string, unknown>): CsvProfile {
  try {
    return validateCsvProfile(settings);
  } catch (error) {
    const unknown = error instanceof DomainError ? error.errors.filter((problem) => problem.code === 'unknown_field') : [];
    if (unknown.length > 0) throw new DomainError('unknown_field', `Unknown field: ${unknown.map((problem) => problem.field).join(', ')}`, unknown);
    throw error;
  }
}

function splitBody(body: unknown, nameRequired: boolean): { name: string | undefined; settings: Record<string, unknown> } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new DomainError('validation_failed', 'The body must be a JSON object.');
  const { name, format, ...settings } = body as Record<string, unknown>;
  if (format !== undefined && format !== 'csv') throw DomainError.field('validation_failed', 'format', "profiles describe CSV files: 'csv'");
  if (name === undefined && !nameRequired) return { name: undefined, settings };
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH || name.includes('\u0000')) {
    throw DomainError.field('validation_failed', 'name', `a name of 1-${MAX_NAME_LENGTH} characters is required`);
  }
  return { name: name.trim(), settings };
}
