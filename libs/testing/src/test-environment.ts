/** Names shared by the global setup (which creates them) and the tests (which read them from the environment). */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export function adminDatabaseUrl(): string {
  return process.env['TEST_DATABASE_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrlFor(name: string): string {
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}
