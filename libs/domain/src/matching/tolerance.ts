/**
 * Amount tolerance, in integers only: a difference is within tolerance when it is at most the
 * absolute tolerance OR at most `bps` basis points of the ledger amount, whichever is larger.
 * `|diff| * 10000 <= |ledger| * bps` is the exact form of `|diff| <= |ledger| * bps / 10000`.
 */
export function withinTolerance(difference: bigint, ledgerAmount: bigint, absolute: bigint, bps: bigint): boolean {
  const diff = difference < 0n ? -difference : difference;
  if (diff <= absolute) return true;
  if (bps <= 0n) return false;
  const base = ledgerAmount < 0n ? -ledgerAmount : ledgerAmount;
  return diff * 10_000n <= base * bps;
}

/** The tolerance that applies to a ledger amount, in minor units (the bps share rounded down). */
export function toleranceFor(ledgerAmount: bigint, absolute: bigint, bps: bigint): bigint {
  if (bps <= 0n) return absolute;
  const base = ledgerAmount < 0n ? -ledgerAmount : ledgerAmount;
  const relative = (base * bps) / 10_000n;
  return relative > absolute ? relative : absolute;
}

/**
 * A radius R such that every ledger amount b within tolerance of a statement amount a
 * (|a - b| <= max(absolute, |b| * bps / 10000)) lies in [a - R, a + R]. From |a - b| <= |b|·p
 * follows |a - b| <= |a|·p / (1 - p). Null when bps >= 10000 (no finite bound).
 */
export function searchRadius(amount: bigint, absolute: bigint, bps: bigint): bigint | null {
  if (bps <= 0n) return absolute;
  if (bps >= 10_000n) return null;
  const base = amount < 0n ? -amount : amount;
  const denominator = 10_000n - bps;
  const relative = (base * bps + denominator - 1n) / denominator;
  return relative > absolute ? relative : absolute;
}

export function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}
