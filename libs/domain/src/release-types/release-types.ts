/**
 * Release types: the kinds of a marketplace release (SALE, COMMISSION, SHIPPING...). Each channel
 * has a built-in catalogue (the default one, extended by channel-specific types) to which a
 * tenant may add its own. Unknown types are accepted everywhere and listed as unclassified:
 * a catalogue explains amounts, it never rejects them.
 */

export const RELEASE_TYPE_CATEGORIES = ['REVENUE', 'FEE', 'SHIPPING', 'RETURN', 'PENALTY', 'FINANCIAL', 'ADJUSTMENT'] as const;
export type ReleaseTypeCategory = (typeof RELEASE_TYPE_CATEGORIES)[number];

/** A code a tenant may add: an upper-case letter, then up to 63 upper-case letters, digits or "_". */
export const RELEASE_TYPE_CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Channels of accounts and catalogues: lower-case, like an account's `channel`. */
export const CHANNEL_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The catalogue every channel starts from, and the one of channels without their own. */
export const DEFAULT_CHANNEL = 'default';

export interface ReleaseTypeDefinition {
  code: string;
  name: string;
  category: ReleaseTypeCategory;
  /** Other spellings marketplaces use for the same type (COMISSION for COMMISSION). */
  aliases?: readonly string[];
}

/** One type of a channel's effective catalogue: built-in or added by the tenant. */
export interface ReleaseType extends ReleaseTypeDefinition {
  builtIn: boolean;
}

export interface ReleaseTypeClassification {
  /** The catalogue's code when classified (aliases resolved), otherwise the code as given. */
  code: string;
  category: ReleaseTypeCategory | null;
  classified: boolean;
}

const DEFAULT_RELEASE_TYPES: readonly ReleaseTypeDefinition[] = [
  { code: 'SALE', name: 'Sale', category: 'REVENUE' },
  { code: 'COMMISSION', name: 'Marketplace commission', category: 'FEE', aliases: ['COMISSION'] },
  { code: 'SHIPPING', name: 'Shipping', category: 'SHIPPING', aliases: ['SHIP'] },
  { code: 'RETURN_SHIPPING', name: 'Return shipping', category: 'SHIPPING', aliases: ['RETURN_SHIP'] },
  { code: 'RETURN_SALE', name: 'Returned sale', category: 'RETURN' },
  { code: 'DEVOLUTION', name: 'Devolution (refund to the buyer)', category: 'RETURN' },
  { code: 'PENALTY', name: 'Penalty', category: 'PENALTY' },
  { code: 'ANTICIPATION_FEE', name: 'Anticipation fee', category: 'FINANCIAL' },
  { code: 'ADJUSTMENT', name: 'Adjustment', category: 'ADJUSTMENT' },
];

/** Types some channels add to the default catalogue. */
const CHANNEL_RELEASE_TYPES: Readonly<Record<string, readonly ReleaseTypeDefinition[]>> = {
  mercadolivre: [
    { code: 'FULFILLMENT_FEE', name: 'Mercado Envios Full fee', category: 'FEE' },
    { code: 'FINANCING_FEE', name: 'Installment financing fee', category: 'FINANCIAL' },
    { code: 'MEDIATION', name: 'Mediation (dispute) debit', category: 'RETURN' },
  ],
  amazon: [
    { code: 'FBA_FEE', name: 'Fulfillment by Amazon fee', category: 'FEE' },
    { code: 'STORAGE_FEE', name: 'Storage fee', category: 'FEE' },
  ],
  shopee: [
    { code: 'SERVICE_FEE', name: 'Service fee', category: 'FEE' },
    { code: 'TRANSACTION_FEE', name: 'Transaction fee', category: 'FEE' },
  ],
};

/** Channels with a catalogue of their own (besides the default). */
export const CHANNELS_WITH_CATALOGUE: readonly string[] = Object.keys(CHANNEL_RELEASE_TYPES);

/** The built-in catalogue of a channel: the default types, then the channel's own. Unknown channels get the default. */
export function builtInReleaseTypes(channel: string | null | undefined): ReleaseType[] {
  const own = channel ? (CHANNEL_RELEASE_TYPES[channel.toLowerCase()] ?? []) : [];
  return [...DEFAULT_RELEASE_TYPES, ...own].map((type) => ({ ...type, aliases: [...(type.aliases ?? [])], builtIn: true }));
}

/** A channel's effective catalogue: built-in types first, then the tenant's additions (never shadowing a built-in code). */
export function releaseTypeCatalogue(
  channel: string | null | undefined,
  tenantTypes: readonly { code: string; name: string; category: ReleaseTypeCategory }[] = [],
): ReleaseType[] {
  const builtIn = builtInReleaseTypes(channel);
  const taken = new Set(builtIn.flatMap((type) => [type.code, ...(type.aliases ?? [])]));
  const added = tenantTypes
    .filter((type) => !taken.has(normalizeReleaseTypeCode(type.code)))
    .map((type) => ({ code: type.code, name: type.name, category: type.category, aliases: [], builtIn: false }));
  return [...builtIn, ...added];
}

/** True when `code` is a code or an alias of the channel's built-in catalogue. */
export function isBuiltInReleaseType(code: string, channel: string | null | undefined): boolean {
  return classifyReleaseType(code, builtInReleaseTypes(channel)).classified;
}

/**
 * Upper-case, trimmed, with spaces and dashes as "_": how marketplaces' spellings of one type
 * ("return-shipping", " Sale ") meet the catalogue's codes.
 */
export function normalizeReleaseTypeCode(code: string): string {
  return code.trim().toUpperCase().replace(/[\s-]+/g, '_');
}

/** Finds a release type in a catalogue by its code or one of its aliases. Unknown codes are unclassified, never an error. */
export function classifyReleaseType(code: string, catalogue: readonly ReleaseTypeDefinition[]): ReleaseTypeClassification {
  const wanted = normalizeReleaseTypeCode(code);
  for (const type of catalogue) {
    if (type.code === wanted || (type.aliases ?? []).includes(wanted)) {
      return { code: type.code, category: type.category, classified: true };
    }
  }
  return { code, category: null, classified: false };
}

export interface BreakdownLine {
  releaseType: string;
  /** Minor units. */
  amount: bigint;
  category: ReleaseTypeCategory | null;
  classified: boolean;
}

/**
 * A settlement's breakdown ({releaseType: minor units as a string}) as lines classified by the
 * catalogue: aliases are merged into their type, classified lines come in catalogue order, then
 * the unclassified ones by code. Amounts stay exact (bigint).
 */
export function classifyBreakdown(breakdown: Readonly<Record<string, string>>, catalogue: readonly ReleaseTypeDefinition[]): BreakdownLine[] {
  const lines = new Map<string, BreakdownLine>();
  for (const [code, minor] of Object.entries(breakdown)) {
    const classification = classifyReleaseType(code, catalogue);
    const key = classification.classified ? `+${classification.code}` : `-${code}`;
    const line = lines.get(key);
    if (line) line.amount += BigInt(minor);
    else lines.set(key, { releaseType: classification.code, amount: BigInt(minor), category: classification.category, classified: classification.classified });
  }
  const order = new Map(catalogue.map((type, index) => [type.code, index]));
  return [...lines.values()].sort((a, b) => {
    if (a.classified !== b.classified) return a.classified ? -1 : 1;
    if (a.classified) return (order.get(a.releaseType) ?? 0) - (order.get(b.releaseType) ?? 0);
    return a.releaseType < b.releaseType ? -1 : a.releaseType > b.releaseType ? 1 : 0;
  });
}
