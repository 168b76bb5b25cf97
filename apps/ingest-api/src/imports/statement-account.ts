import { DomainError } from '@concilia/domain';
import type { ParsedStatement } from '@concilia/statement-files';

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$/;

/**
 * A statement is for the account when the ids agree: the same IBAN (spaces and case aside), or
 * an IBAN and the national "bank code/account number" form it contains (MT940 `:25:` often
 * carries `37040044/0532013000` for DE89 3704 0044 0532 0130 00).
 */
export function sameAccount(accountExternalId: string, statementAccountId: string): boolean {
  const ours = compact(accountExternalId);
  const theirs = compact(statementAccountId);
  if (ours === theirs) return true;
  return ibanHoldsNational(ours, statementAccountId) || ibanHoldsNational(theirs, accountExternalId);
}

/** Refuses a statement of another account, when both the account and the statement name one. */
export function checkStatementAccount(accountExternalId: string | null, statement: ParsedStatement): void {
  if (accountExternalId === null || statement.accountId === null) return;
  if (sameAccount(accountExternalId, statement.accountId)) return;
  throw new DomainError(
    'statement_account_mismatch',
    `The file holds a statement for account ${statement.accountId}, but this reconciliation's account is ${accountExternalId}. Nothing was imported.`,
    [{ line: statement.line, field: 'account', code: 'statement_account_mismatch', message: `statement for ${statement.accountId}` }],
  );
}

function compact(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}

function ibanHoldsNational(maybeIban: string, national: string): boolean {
  if (!IBAN.test(maybeIban)) return false;
  const parts = national.split('/').map((part) => part.replace(/\D/g, ''));
  if (parts.length !== 2 || parts.some((part) => part.length === 0)) return false;
  const bban = maybeIban.slice(4);
  const [bankCode, accountNumber] = parts;
  if (!bban.startsWith(bankCode)) return false;
  const rest = bban.slice(bankCode.length);
  return rest.length >= accountNumber.length && rest === accountNumber.padStart(rest.length, '0');
}
