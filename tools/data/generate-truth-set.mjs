#!/usr/bin/env node
// Deterministic, seeded generator of matching truth sets: for each scenario, the ledger side
// (what was expected), the statement side (what the bank or marketplace moved) and the ground
// truth (which entries truly belong together, which have no counterpart, which groups no engine
// can decide). Used by `npm run bench:quality`; also runnable on its own:
//
//   node tools/data/generate-truth-set.mjs --seed 42 --scenario all --out /tmp/truth.json
//   node tools/data/generate-truth-set.mjs --seed 7 --scenario fees-deducted,date-drift --size 200 --out -
//
// Options: --seed N (default 42), --scenario all|name[,name...], --size N (true groups per
// scenario, default 400), --out FILE ('-' for stdout), --pretty. A summary goes to stderr.
//
// Determinism: a mulberry32 PRNG seeded from (seed, scenario name), integer arithmetic only (no
// Math.random, no floating-point transcendental functions), no clock. The same seed, size and
// scenario give byte-identical output, whichever other scenarios are generated beside it.
//
// Output (JSON; money in integer minor units of BRL as strings, bigint-compatible):
// {
//   generator, version, seed, size, currency,
//   scenarios: [{
//     name, description,
//     rules: overrides of DEFAULT_MATCHING_RULES (amountTolerance as a string of minor units),
//     statement: [{ id, amount, currency, date, references, externalId, description, status, releaseType }],
//     ledger:    [{ id, amount, currency, date, references, externalId, description, status, kind }],
//     truth: {
//       groups: [{ id, label, rule, statementIds, ledgerIds, ambiguous, candidateLedgerIds?, expectStatusMismatch? }],
//       unmatchedStatementIds, unmatchedLedgerIds,   // entries that truly have no counterpart
//       duplicates: [{ statementId, duplicateOf }],  // repeats of a statement line (also in unmatchedStatementIds)
//       statusMismatchLedgerIds,                     // cancelled orders that were paid anyway
//       ambiguousGroupIds,                           // ties: a correct engine must not ACCEPT these
//     },
//     stats: { statementEntries, ledgerEntries, groups, truePairs, ambiguousGroups, auditRounds, redrawn },
//   }]
// }
//
// `rule` is the strategy expected to find a group (REFERENCE, AMOUNT_DATE, AGGREGATE).
// An ambiguous group lists the true pair in statementIds/ledgerIds and, in candidateLedgerIds,
// every ledger entry that is indistinguishable from the true one (same amount, date, currency,
// no usable reference, no description evidence): the others are orphans.
// Some scenarios also place "strays" beside true pairs: unpaid orders just outside the rules
// (one minor unit beyond the tolerance, or the same amount 1-2 days beyond the date window),
// orphans that a correct engine leaves alone. `mixed-month` puts most kinds on one account.
//
// Uniqueness by construction: after a scenario is built, an audit checks that no entry visible to
// the amount/date and aggregate strategies (not linked by a reference, not a repeat) could be
// paired with anything but its true counterpart: no other entry of the other side within the
// scenario's tolerance and date window (1:1), and no subset of 2..maxGroupSize entries of the
// other side within the window that adds up to it within the tolerance (the aggregate
// strategy's search; over every visible entry in the aggregate scenarios, over what should be
// left over - aggregate groups, orphans, strays and ties - elsewhere). Groups that collide are
// redrawn (new amounts) until the audit is clean: the only ambiguity left is the one the scenario
// builds on purpose. (TRUTH_SET_DEBUG=1 prints the audit's rounds on stderr.)
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const GENERATOR = 'concilia-truth-set';
export const GENERATOR_VERSION = 1;
export const CURRENCY = 'BRL';
export const DEFAULT_SEED = 42;
export const DEFAULT_SIZE = 400;
/** Day 0 of every scenario. */
const BASE_DAY_MS = Date.UTC(2025, 0, 6);
const DAY_MS = 86_400_000;
/** DEFAULT_MATCHING_RULES (libs/domain/src/matching-rules.ts) as far as the audit needs them. */
const ENGINE_DEFAULTS = Object.freeze({ amountTolerance: 0, amountToleranceBps: 0, dateWindowDays: 3, maxGroupSize: 5 });
const MAX_AUDIT_ROUNDS = 400;
const SUBSET_STEP_LIMIT = 2_000_000;

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a 32-bit state PRNG, uniform in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, 32 bits. */
export function hash32(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function createRng(seed, label = '') {
  const next = mulberry32(hash32(`${seed}\u0000${label}`));
  const rng = {
    next,
    /** Integer in [min, max], both inclusive. */
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    /** Picks a key of { key: weight } (integer weights). */
    weighted(weights) {
      const entries = Object.entries(weights);
      let total = 0;
      for (const [, w] of entries) total += w;
      let r = Math.floor(next() * total);
      for (const [key, w] of entries) {
        if (r < w) return key;
        r -= w;
      }
      return entries[entries.length - 1][0];
    },
    shuffle(list) {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [list[i], list[j]] = [list[j], list[i]];
      }
      return list;
    },
  };
  return rng;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

export function dateOfDay(day) {
  return new Date(BASE_DAY_MS + day * DAY_MS).toISOString().slice(0, 10);
}

/** Amount tiers in centavos: small (R$ 5-80), medium (R$ 80-800), large (R$ 800-6,000). */
const TIERS = { small: [500, 8_000], medium: [8_000, 80_000], large: [80_000, 600_000] };

function money(rng, weights = { small: 3, medium: 5, large: 2 }) {
  const [min, max] = TIERS[rng.weighted(weights)];
  return rng.int(min, max);
}

/** round(amount * bps / 10000), integers only (amount >= 0). */
function shareOf(amount, bps) {
  return Math.floor((amount * bps + 5_000) / 10_000);
}

/** The engine's tolerance rule: |diff| <= absolute, or |diff| * 10000 <= |ledger| * bps. */
function withinTolerance(diff, ledgerAmount, rules) {
  const d = Math.abs(diff);
  if (d <= rules.amountTolerance) return true;
  if (rules.amountToleranceBps <= 0) return false;
  return d * 10_000 <= Math.abs(ledgerAmount) * rules.amountToleranceBps;
}

/** Every b with |a - b| <= max(absolute, |b| * bps / 10000) lies within a +- radius. */
function searchRadius(amount, rules) {
  const bps = rules.amountToleranceBps;
  if (bps <= 0) return rules.amountTolerance;
  const relative = Math.ceil((Math.abs(amount) * bps) / (10_000 - bps));
  return Math.max(relative, rules.amountTolerance);
}

const FIRST_NAMES = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elisa', 'Fabio', 'Gabriela', 'Heitor', 'Isabela', 'Joao', 'Karina', 'Lucas', 'Mariana', 'Nicolas', 'Olivia', 'Pedro', 'Rafaela', 'Sergio', 'Tatiana', 'Vinicius'];
const LAST_NAMES = ['Almeida', 'Barbosa', 'Cardoso', 'Dias', 'Esteves', 'Ferreira', 'Gomes', 'Hora', 'Lima', 'Moura', 'Nogueira', 'Oliveira', 'Pereira', 'Queiroz', 'Ribeiro', 'Santos', 'Teixeira', 'Vieira'];
const BANK_WORDS = ['PIX RECEBIDO', 'TED RECEBIDA', 'CRED PIX', 'DEPOSITO IDENTIFICADO'];

// ---------------------------------------------------------------------------------------------
// Building blocks

/**
 * The state one scenario's builder works with. Entries carry object links to their group while
 * they are built; ids are given at the end, after a shuffle, so ids say nothing about the truth.
 */
function createBuilder(rng, scenario, size) {
  const days = Math.max(1, Math.ceil(size / scenario.perDay));
  let orderNumber = rng.int(1_000_000, 3_000_000);
  let txNumber = rng.int(10_000_000, 20_000_000);
  let unknownNumber = rng.int(90_000_000, 95_000_000);
  const groups = [];
  const b = {
    rng,
    size,
    days,
    groups,
    rules: scenario.rules,
    day: () => rng.int(0, days - 1),
    /** A new order number: PED-<7 digits>, unique in the scenario. */
    orderRef() {
      orderNumber += rng.int(1, 29);
      return `PED-${orderNumber}`;
    },
    /** A reference no ledger entry carries (8 digits, a range orders never reach). */
    unknownRef() {
      unknownNumber += rng.int(1, 29);
      return `PED-${unknownNumber}`;
    },
    txId() {
      txNumber += rng.int(1, 997);
      return `E${txNumber}`;
    },
    customer: () => `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
    group(label, rule, extra = {}) {
      // st/lg: the true group; tiedL: ledger entries indistinguishable from lg (ambiguous groups);
      // strayL: orphan orders built beside the group, just outside its tolerance or window;
      // copies: exact repeats of statement lines.
      const group = { index: groups.length, label, rule, st: [], lg: [], tiedL: [], strayL: [], copies: [], linked: false, ambiguous: false, orphan: false, expectStatusMismatch: false, draw: null, ...extra };
      groups.push(group);
      return group;
    },
    statement(group, fields) {
      const item = { side: 'S', group, day: 0, amount: 0, references: [], externalId: null, description: null, status: null, releaseType: null, copyOf: null, ...fields };
      group.st.push(item);
      return item;
    },
    /** `role`: 'lg' (true counterpart), 'tiedL' (indistinguishable from it) or 'strayL' (an orphan beside it). */
    ledger(group, fields, role = 'lg') {
      const item = { side: 'L', group, day: 0, amount: 0, references: [], externalId: '', description: null, status: 'APPROVED', kind: 'ORDER', stray: role === 'strayL', ...fields };
      group[role].push(item);
      return item;
    },
    /** An exact repeat of a statement line (a re-sent file line): same everything but the id. */
    copy(group, original) {
      const item = { ...original, references: original.references.slice(), copyOf: original };
      group.copies.push(item);
      return item;
    },
  };
  return b;
}

function orderDescription(ref, customer) {
  return `Pedido ${ref.slice(4)} ${customer}`;
}

function bankDescription(rng, customer) {
  const words = rng.pick(BANK_WORDS);
  return customer === null ? words : `${words} ${customer.toUpperCase()}`;
}

/** Reference spellings that normalise to the same key (case, separators, spaces). */
function spell(rng, ref) {
  const digits = ref.slice(4);
  return rng.pick([ref, `ped${digits}`, `PED ${digits}`, ` ${ref} `, `PED.${digits}`, `Ped-${digits}`]);
}

/**
 * One order paid by one statement line. `reference`: the line carries the order's reference
 * (the reference strategy links it) or not (amount and date only). `drift`: statement day minus
 * ledger day. `diff(amount)`: statement amount minus ledger amount. `stray`: with probability
 * `stray.p` (lines without reference only), an unpaid order is built beside the pair by
 * `stray.place(rng, S, L)` -> { amount, day }: just outside the tolerance or the window of the
 * line, where a correct engine must not take it.
 */
function pairGroup(b, { label, reference, drift = () => 0, diff = () => 0, named = 0.5, status = 'APPROVED', weights, stray = null } = {}) {
  const { rng } = b;
  const group = b.group(label, reference ? 'REFERENCE' : 'AMOUNT_DATE', { linked: reference });
  const day = b.day();
  const ref = b.orderRef();
  const customer = b.customer();
  const L = b.ledger(group, { day, externalId: ref, description: orderDescription(ref, customer), status });
  const S = b.statement(group, {
    day: day + drift(),
    references: reference ? [spell(rng, ref)] : [],
    externalId: b.txId(),
    description: bankDescription(rng, rng.chance(named) ? customer : null),
  });
  let D = null;
  if (stray && !reference && rng.chance(stray.p)) {
    const strayRef = b.orderRef();
    D = b.ledger(group, { day, externalId: strayRef, description: orderDescription(strayRef, b.customer()) }, 'strayL');
    group.label = `${label}+${stray.label}`;
  }
  group.draw = () => {
    L.amount = money(rng, weights);
    S.amount = L.amount + diff(L.amount);
    if (D) Object.assign(D, stray.place(rng, S, L));
  };
  group.draw();
  return group;
}

/** Strays: an unpaid order just outside the rules of the line's true match. */
const STRAY = {
  /** Same amount as the line, one or two days beyond the date window. */
  outsideWindow: (window, p) => ({
    label: 'stray-outside-window',
    p,
    place: (rng, S) => ({ amount: S.amount, day: S.day + (rng.chance(0.5) ? 1 : -1) * (window + rng.int(1, 2)) }),
  }),
  /** Same day as the order, amount one minor unit beyond the absolute tolerance of the line. */
  outsideAbsolute: (tolerance, p) => ({
    label: 'stray-outside-tolerance',
    p,
    place: (rng, S, L) => ({ amount: S.amount + (rng.chance(0.5) ? 1 : -1) * (tolerance + 1), day: L.day }),
  }),
  /** Same day as the order, amount just beyond the basis-point tolerance of the line (above or below). */
  outsideBps: (bps, p) => ({
    label: 'stray-outside-tolerance',
    p,
    place: (rng, S, L) => {
      // |S - D| * 10000 <= D * bps is inside: D = S * 10000 / (10000 -+ bps) is the edge.
      let amount = rng.chance(0.5) ? Math.floor((S.amount * 10_000) / (10_000 - bps)) + 1 : Math.ceil((S.amount * 10_000) / (10_000 + bps)) - 1;
      while ((Math.abs(S.amount - amount) * 10_000 <= amount * bps)) amount += amount > S.amount ? 1 : -1;
      return { amount, day: L.day };
    },
  }),
};

/** A statement line nobody expected (with an unknown reference or none). */
function orphanStatement(b, label = 'orphan-statement') {
  const { rng } = b;
  const group = b.group(label, null, { orphan: true });
  const S = b.statement(group, {
    day: b.day(),
    references: rng.chance(0.5) ? [b.unknownRef()] : [],
    externalId: b.txId(),
    description: bankDescription(rng, rng.chance(0.5) ? b.customer() : null),
  });
  group.draw = () => {
    S.amount = money(rng);
  };
  group.draw();
  return group;
}

/** An order that was never paid. */
function orphanLedger(b, label = 'orphan-ledger', status = 'APPROVED') {
  const { rng } = b;
  const group = b.group(label, null, { orphan: true });
  const ref = b.orderRef();
  const L = b.ledger(group, { day: b.day(), externalId: ref, description: orderDescription(ref, b.customer()), status });
  group.draw = () => {
    L.amount = money(rng);
  };
  group.draw();
  return group;
}

/**
 * One statement line with no usable reference, and two orders of the same amount and date: the
 * first is the one really paid (by construction), the second an orphan. Nothing tells them apart
 * (descriptions share no word with the line), so a correct engine may suggest, never accept.
 */
function tieGroup(b, { label = 'tie', typoReference = false } = {}) {
  const { rng } = b;
  const group = b.group(label, 'AMOUNT_DATE', { ambiguous: true });
  const day = b.day();
  const ref1 = b.orderRef();
  const ref2 = b.orderRef();
  const L1 = b.ledger(group, { day, externalId: ref1, description: orderDescription(ref1, b.customer()) });
  const L2 = b.ledger(group, { day, externalId: ref2, description: orderDescription(ref2, b.customer()) }, 'tiedL');
  const S = b.statement(group, {
    day: day + rng.int(0, 1),
    references: typoReference ? [typo(rng, ref1)] : [],
    externalId: b.txId(),
    description: rng.pick(BANK_WORDS),
  });
  group.typoOf = typoReference ? ref1 : null;
  group.draw = () => {
    L1.amount = money(rng);
    L2.amount = L1.amount;
    S.amount = L1.amount;
  };
  group.draw();
  return group;
}

/** The reference with one digit changed (so it no longer normalises to the same key). */
function typo(rng, ref) {
  const digits = ref.slice(4).split('');
  const at = rng.int(0, digits.length - 1);
  let digit = digits[at];
  while (digit === digits[at]) digit = String(rng.int(0, 9));
  digits[at] = digit;
  return `PED-${digits.join('')}`;
}

function normalizeRef(ref) {
  return ref
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Splits `total` into `parts` distinct positive amounts, each at least `min`. */
function splitAmount(rng, total, parts, min = 100) {
  for (;;) {
    const cuts = new Set();
    while (cuts.size < parts - 1) cuts.add(rng.int(min, total - min));
    const points = [0, ...[...cuts].sort((x, y) => x - y), total];
    const amounts = [];
    for (let i = 1; i < points.length; i++) amounts.push(points[i] - points[i - 1]);
    if (amounts.every((a) => a >= min) && new Set(amounts).size === amounts.length) return amounts;
  }
}

// ---------------------------------------------------------------------------------------------
// Kinds of group (one call builds one true group, or one orphan), and the scenarios made of them

const MARKETPLACE_COMMISSION_BPS = [1100, 1300, 1600, 1900];
const ACQUIRER_FEE_BPS = [199, 249, 299, 349, 399, 449];

/** An order and its SALE, COMMISSION (and 60 % SHIPPING) releases; 15 % name it only in the description. */
function marketplaceOrder(b) {
  const { rng } = b;
  const group = b.group('marketplace-order', 'REFERENCE', { linked: true });
  const day = b.day();
  const ref = b.orderRef();
  const customer = b.customer();
  const L = b.ledger(group, { day, externalId: ref, description: orderDescription(ref, customer) });
  const releaseDay = day + rng.int(0, 2);
  const inDescription = rng.chance(0.15); // only a pattern (PED-\d+) finds the reference
  const refs = () => (inDescription ? [] : [spell(rng, ref)]);
  const text = (words) => (inDescription ? `${words} ${ref}` : words);
  const sale = b.statement(group, { day: releaseDay, references: refs(), externalId: b.txId(), description: text('Liberacao de dinheiro'), releaseType: 'SALE', status: 'RELEASED' });
  const commission = b.statement(group, { day: releaseDay, references: refs(), externalId: b.txId(), description: text('Tarifa de venda'), releaseType: 'COMMISSION', status: 'RELEASED' });
  const shipping = rng.chance(0.6)
    ? b.statement(group, { day: releaseDay + rng.int(0, 1), references: refs(), externalId: b.txId(), description: text('Tarifa de envio'), releaseType: 'SHIPPING', status: 'RELEASED' })
    : null;
  const rate = rng.pick(MARKETPLACE_COMMISSION_BPS);
  group.draw = () => {
    sale.amount = money(rng, { small: 2, medium: 5, large: 2 }) + 2_000;
    commission.amount = -shareOf(sale.amount, rate);
    if (shipping) shipping.amount = -Math.min(rng.int(890, 3_990), Math.floor((sale.amount + commission.amount) / 2));
    L.amount = sale.amount + commission.amount + (shipping ? shipping.amount : 0);
  };
  group.draw();
  return group;
}

/** One bank credit (no reference) settling 2-4 orders of the previous 0-2 days. */
function payoutOfOrders(b) {
  const { rng } = b;
  const group = b.group('payout-of-orders', 'AGGREGATE');
  const day = b.day();
  const count = rng.int(2, 4);
  const orders = [];
  for (let k = 0; k < count; k++) {
    const ref = b.orderRef();
    orders.push(b.ledger(group, { day: day - rng.int(0, 2), externalId: ref, description: orderDescription(ref, b.customer()) }));
  }
  const credit = b.statement(group, { day, externalId: b.txId(), description: 'TED RECEBIDA REPASSE' });
  group.draw = () => {
    for (;;) {
      for (const order of orders) order.amount = money(rng, { small: 3, medium: 6, large: 1 });
      if (new Set(orders.map((o) => o.amount)).size === orders.length) break;
    }
    credit.amount = orders.reduce((sum, o) => sum + o.amount, 0);
  };
  group.draw();
  return group;
}

/** One order paid in 2-4 parts (no reference), on the order's day and the next two. */
function orderPaidInParts(b) {
  const { rng } = b;
  const group = b.group('order-paid-in-parts', 'AGGREGATE');
  const day = b.day();
  const ref = b.orderRef();
  const customer = b.customer();
  const order = b.ledger(group, { day, externalId: ref, description: orderDescription(ref, customer) });
  const count = rng.int(2, 4);
  const parts = [];
  for (let k = 0; k < count; k++) {
    parts.push(b.statement(group, { day: day + rng.int(0, 2), externalId: b.txId(), description: `PIX RECEBIDO ${customer.toUpperCase()} PARCELA ${k + 1}/${count}` }));
  }
  group.draw = () => {
    order.amount = money(rng, { small: 1, medium: 5, large: 4 }) + 1_000;
    const amounts = splitAmount(rng, order.amount, count);
    parts.forEach((part, k) => (part.amount = amounts[k]));
  };
  group.draw();
  return group;
}

/** A line whose reference has one digit changed: the reference strategy misses it. */
function typoLine(b) {
  const { rng } = b;
  const group = pairGroup(b, { label: 'typo-reference', reference: false, drift: () => rng.int(0, 1) });
  const L = group.lg[0];
  group.typoOf = L.externalId;
  group.st[0].references = [typo(rng, L.externalId)];
  return group;
}

/** A line repeated `times` times (a re-sent file line): same amount, date, reference, description. */
function duplicatedLine(b, times, reference) {
  const group = pairGroup(b, { label: 'duplicated-line', reference });
  const original = group.st[0];
  const copies = [];
  for (let k = 0; k < times; k++) copies.push(b.copy(group, original));
  const draw = group.draw;
  group.draw = () => {
    draw();
    for (const copy of copies) copy.amount = original.amount;
  };
  group.draw();
  return group;
}

/** Two different orders of the same amount and day, each paid by a line with its own reference: alike, not repeats. */
function lookAlikePair(b) {
  const first = pairGroup(b, { label: 'look-alike', reference: true, named: 0 });
  const second = pairGroup(b, { label: 'look-alike', reference: true, named: 0 });
  second.lg[0].day = first.lg[0].day;
  second.st[0].day = first.st[0].day;
  second.st[0].description = first.st[0].description;
  second.st[0].amount = second.lg[0].amount = first.lg[0].amount;
  second.draw = first.draw = null; // linked by references: never redrawn
}

function cancelledButPaid(b) {
  const group = pairGroup(b, { label: 'cancelled-but-paid', reference: b.rng.chance(0.7), drift: () => b.rng.int(0, 1), status: 'CANCELLED' });
  group.expectStatusMismatch = true;
  return group;
}

/** Fixes typo'd references that landed on a real reference (they would then name another order). */
function fixTypoCollisions(b) {
  const known = new Set();
  for (const group of b.groups) for (const item of [...group.lg, ...group.tiedL, ...group.strayL]) known.add(normalizeRef(item.externalId));
  for (const group of b.groups) for (const item of group.st) for (const ref of item.references) if (!group.typoOf) known.add(normalizeRef(ref));
  for (const group of b.groups) {
    if (!group.typoOf) continue;
    const S = group.st[0];
    while (known.has(normalizeRef(S.references[0]))) S.references = [typo(b.rng, group.typoOf)];
    known.add(normalizeRef(S.references[0]));
  }
}

/** Builds `b.size` groups, each of a kind picked with the given weights. */
function mix(weights, makers) {
  return (b) => {
    for (let i = 0; i < b.size; i++) makers[b.rng.weighted(weights)](b);
    fixTypoCollisions(b);
  };
}

/** Explicit overrides of DEFAULT_MATCHING_RULES per scenario (tolerance and window always stated). */
const exact = { amountTolerance: '0', amountToleranceBps: 0, dateWindowDays: 3 };

const bankLine = (b) => pairGroup(b, { label: 'bank-line', reference: false, drift: () => b.rng.int(0, 1) });
const referencedLine = (b) => pairGroup(b, { label: 'referenced-line', reference: true, drift: () => b.rng.int(0, 1) });

export const SCENARIOS = Object.freeze([
  {
    name: 'marketplace-payouts',
    description: 'an order with SALE, COMMISSION (and often SHIPPING) releases under its reference (15 % only in the description, found by a pattern); ledger amount = net',
    rules: { ...exact, referencePatterns: ['PED-\\d+'] },
    perDay: 12,
    build: mix({ order: 1 }, { order: marketplaceOrder }),
  },
  {
    name: 'bank-no-reference',
    description: 'bank lines with no reference: amount exact, same day or the next; 10 % with an unpaid same-amount order 1-2 days beyond the window',
    rules: { ...exact },
    perDay: 10,
    build: (b) => {
      for (let i = 0; i < b.size; i++) pairGroup(b, { label: 'bank-line', reference: false, drift: () => (b.rng.chance(0.7) ? 0 : 1), stray: STRAY.outsideWindow(3, 0.1) });
    },
  },
  {
    name: 'fees-deducted',
    description: 'statement net of an acquirer fee (1.99-4.49 %) vs ledger gross, tolerance 500 bps; 30 % with reference; 15 % with an unpaid order just beyond the 5 % tolerance',
    rules: { amountTolerance: '0', amountToleranceBps: 500, dateWindowDays: 3 },
    perDay: 3,
    build: (b) => {
      for (let i = 0; i < b.size; i++) {
        const rate = b.rng.pick(ACQUIRER_FEE_BPS);
        pairGroup(b, {
          label: 'net-of-fee',
          reference: b.rng.chance(0.3),
          drift: () => b.rng.int(0, 2),
          diff: (gross) => -Math.max(1, shareOf(gross, rate)),
          weights: { small: 2, medium: 5, large: 3 },
          stray: STRAY.outsideBps(500, 0.15),
        });
      }
    },
  },
  {
    name: 'cents-rounding',
    description: 'statement = ledger +-1 centavo, tolerance 1; 25 % with reference; 15 % with an unpaid order 2 centavos off the line, same day',
    rules: { amountTolerance: '1', amountToleranceBps: 0, dateWindowDays: 3 },
    perDay: 10,
    build: (b) => {
      for (let i = 0; i < b.size; i++) {
        pairGroup(b, {
          label: 'rounded-cent',
          reference: b.rng.chance(0.25),
          drift: () => (b.rng.chance(0.7) ? 0 : 1),
          diff: () => (b.rng.chance(0.5) ? 1 : -1),
          stray: STRAY.outsideAbsolute(1, 0.15),
        });
      }
    },
  },
  {
    name: 'date-drift',
    description: 'no reference, statement 1-3 days after (15 % before) the ledger date, window 3; 15 % with an unpaid same-amount order 1-2 days beyond the window',
    rules: { ...exact },
    perDay: 8,
    build: (b) => {
      for (let i = 0; i < b.size; i++) {
        pairGroup(b, { label: 'date-drift', reference: false, drift: () => (b.rng.chance(0.85) ? 1 : -1) * b.rng.int(1, 3), stray: STRAY.outsideWindow(3, 0.15) });
      }
    },
  },
  {
    name: 'aggregate-payout',
    description: 'one bank credit (no reference) paying 2-4 orders of the previous 0-2 days; 20 % plain 1:1 lines',
    rules: { ...exact, maxGroupSize: 5 },
    perDay: 0.7,
    subsetAudit: 'all',
    build: mix({ payout: 8, line: 2 }, { payout: payoutOfOrders, line: (b) => pairGroup(b, { label: 'bank-line', reference: false }) }),
  },
  {
    name: 'split-payment',
    description: 'one order paid in 2-4 parts (no reference) over 0-2 days; 20 % plain 1:1 lines',
    rules: { ...exact, maxGroupSize: 5 },
    perDay: 0.7,
    subsetAudit: 'all',
    build: mix({ parts: 8, line: 2 }, { parts: orderPaidInParts, line: (b) => pairGroup(b, { label: 'bank-line', reference: false }) }),
  },
  {
    name: 'reference-typos',
    description: '60 % clean references; 33 % one digit changed (reference misses, amount/date must find it); 7 % typo plus a same-amount, same-day second order (ambiguous)',
    rules: { ...exact },
    perDay: 8,
    build: mix({ clean: 60, typo: 33, typoTie: 7 }, { clean: (b) => pairGroup(b, { label: 'clean-reference', reference: true, drift: () => b.rng.int(0, 1) }), typo: typoLine, typoTie: (b) => tieGroup(b, { label: 'typo-and-tie', typoReference: true }) }),
  },
  {
    name: 'duplicate-lines',
    description: '15 % of the lines re-sent once or twice (same amount, date, reference, description); 5 % look-alike pairs (same amount and day, different references) that are not duplicates',
    rules: { ...exact },
    perDay: 10,
    build: mix(
      { single: 80, twin: 5, once: 12, twice: 3 },
      {
        single: (b) => pairGroup(b, { label: 'bank-line', reference: b.rng.chance(0.5) }),
        twin: lookAlikePair,
        once: (b) => duplicatedLine(b, 1, b.rng.chance(0.5)),
        twice: (b) => duplicatedLine(b, 2, b.rng.chance(0.5)),
      },
    ),
  },
  {
    name: 'cancelled-paid',
    description: '25 % of the orders CANCELLED on the ledger but paid (expect STATUS_MISMATCH); 10 % cancelled and unpaid',
    rules: { ...exact },
    perDay: 10,
    build: mix(
      { normal: 65, cancelledPaid: 25, cancelledUnpaid: 10 },
      { normal: (b) => (b.rng.chance(0.5) ? referencedLine(b) : bankLine(b)), cancelledPaid: cancelledButPaid, cancelledUnpaid: (b) => orphanLedger(b, 'cancelled-unpaid', 'CANCELLED') },
    ),
  },
  {
    name: 'orphans',
    description: '15 % statement lines nobody expected (half with an unknown reference), 15 % orders never paid',
    rules: { ...exact },
    perDay: 8,
    build: mix({ normal: 70, statement: 15, ledger: 15 }, { normal: (b) => (b.rng.chance(0.5) ? referencedLine(b) : bankLine(b)), statement: (b) => orphanStatement(b), ledger: (b) => orphanLedger(b) }),
  },
  {
    name: 'ambiguous-ties',
    description: '20 % statement lines (no reference) with two orders of the same amount and date: one true, one orphan, indistinguishable',
    rules: { ...exact },
    perDay: 8,
    build: mix({ line: 8, tie: 2 }, { line: bankLine, tie: (b) => tieGroup(b) }),
  },
  {
    name: 'mixed-month',
    description: 'everything at once on one account (default tolerance and window, pattern PED-\\d+): marketplace orders, bank lines, payouts, parts, typos, repeats, cancelled, orphans, ties',
    rules: { ...exact, referencePatterns: ['PED-\\d+'] },
    perDay: 6,
    build: mix(
      { marketplace: 25, referenced: 15, line: 15, drift: 5, payout: 5, parts: 5, typo: 5, typoTie: 1, repeat: 5, twin: 1, cancelled: 4, cancelledUnpaid: 2, orphanS: 5, orphanL: 5, tie: 2 },
      {
        marketplace: marketplaceOrder,
        referenced: referencedLine,
        line: (b) => pairGroup(b, { label: 'bank-line', reference: false, drift: () => b.rng.int(0, 1), stray: STRAY.outsideWindow(3, 0.05) }),
        drift: (b) => pairGroup(b, { label: 'date-drift', reference: false, drift: () => b.rng.int(2, 3) }),
        payout: payoutOfOrders,
        parts: orderPaidInParts,
        typo: typoLine,
        typoTie: (b) => tieGroup(b, { label: 'typo-and-tie', typoReference: true }),
        repeat: (b) => duplicatedLine(b, 1, b.rng.chance(0.5)),
        twin: lookAlikePair,
        cancelled: cancelledButPaid,
        cancelledUnpaid: (b) => orphanLedger(b, 'cancelled-unpaid', 'CANCELLED'),
        orphanS: (b) => orphanStatement(b),
        orphanL: (b) => orphanLedger(b),
        tie: (b) => tieGroup(b),
      },
    ),
  },
]);

export const SCENARIO_NAMES = Object.freeze(SCENARIOS.map((s) => s.name));

// ---------------------------------------------------------------------------------------------
// Audit: no accidental ambiguity

function effectiveRules(overrides) {
  return {
    amountTolerance: Number(overrides.amountTolerance ?? ENGINE_DEFAULTS.amountTolerance),
    amountToleranceBps: overrides.amountToleranceBps ?? ENGINE_DEFAULTS.amountToleranceBps,
    dateWindowDays: overrides.dateWindowDays ?? ENGINE_DEFAULTS.dateWindowDays,
    maxGroupSize: overrides.maxGroupSize ?? ENGINE_DEFAULTS.maxGroupSize,
  };
}

/** Entries the amount/date and aggregate strategies see: not linked by a reference, not a repeat. */
function visibleEntries(groups) {
  const statement = [];
  const ledger = [];
  for (const group of groups) {
    if (group.linked) continue;
    statement.push(...group.st);
    ledger.push(...group.lg, ...group.tiedL, ...group.strayL);
  }
  return { statement, ledger };
}

function byDay(items) {
  const map = new Map();
  for (const item of items) {
    const list = map.get(item.day);
    if (list) list.push(item);
    else map.set(item.day, [item]);
  }
  return map;
}

/** True when s and l may be paired without contradicting the truth (true pair, or a tie candidate). */
function pairAllowed(s, l) {
  const group = s.group;
  if (group !== l.group || l.stray) return false;
  return group.st.length === 1 || group.lg.length + group.tiedL.length === 1;
}

/** Pairs (statement, ledger) within tolerance and window that are not true pairs. */
function pairConflicts(statement, ledger, rules) {
  const conflicts = [];
  const ledgerByDay = byDay(ledger);
  const w = rules.dateWindowDays;
  for (const s of statement) {
    for (let d = s.day - w; d <= s.day + w; d++) {
      const list = ledgerByDay.get(d);
      if (!list) continue;
      for (const l of list) {
        if (pairAllowed(s, l)) {
          if (s.group.rule !== 'AGGREGATE' || !withinTolerance(s.amount - l.amount, l.amount, rules)) continue;
        } else if (!withinTolerance(s.amount - l.amount, l.amount, rules)) continue;
        conflicts.push([s, l]);
      }
    }
  }
  return conflicts;
}

/** The entries of the other side that truly go with `item`, when it is alone on its side of its group. */
function trueCounterparts(item) {
  const group = item.group;
  if (item.side === 'S') return group.st.length === 1 ? group.lg : null;
  return group.lg.length === 1 ? group.st : null;
}

/**
 * The first subset of 2..maxGroupSize entries of `pool` (the other side, in the window) that
 * adds up to `target` within the tolerance and is not its true counterpart; null when none.
 */
function spuriousSubset(target, pool, rules) {
  const sign = Math.sign(target.amount);
  const absTarget = Math.abs(target.amount);
  const radius = target.side === 'S' ? searchRadius(absTarget, rules) : Math.max(rules.amountTolerance, Math.floor((absTarget * rules.amountToleranceBps) / 10_000));
  const lo = absTarget - radius;
  const hi = absTarget + radius;
  const items = pool.filter((o) => Math.sign(o.amount) === sign && Math.abs(o.amount) <= hi && o !== target);
  items.sort((x, y) => Math.abs(y.amount) - Math.abs(x.amount));
  const amounts = items.map((o) => Math.abs(o.amount));
  const n = items.length;
  const prefix = [0];
  for (let i = 0; i < n; i++) prefix.push(prefix[i] + amounts[i]);
  const truth = trueCounterparts(target);
  const truthSet = truth ? new Set(truth) : null;
  const chosen = [];
  let steps = 0;
  let found = null;
  const accept = (sum) => {
    const diff = absTarget - sum;
    return withinTolerance(diff, target.side === 'S' ? sum : absTarget, rules);
  };
  const isTruth = () => truthSet !== null && truthSet.size === chosen.length && chosen.every((i) => truthSet.has(items[i]));
  const dfs = (start, left, sum) => {
    if (found || ++steps > SUBSET_STEP_LIMIT) return;
    if (left === 0) {
      if (sum >= lo && sum <= hi && accept(sum) && !isTruth()) found = chosen.map((i) => items[i]);
      return;
    }
    const smallestRest = left > 1 ? prefix[n] - prefix[n - (left - 1)] : 0;
    for (let j = start; j <= n - left; j++) {
      if (sum + amounts[j] + smallestRest > hi) continue;
      if (sum + prefix[j + left] - prefix[j] < lo) return;
      chosen.push(j);
      dfs(j + 1, left - 1, sum + amounts[j]);
      chosen.pop();
      if (found || steps > SUBSET_STEP_LIMIT) return;
    }
  };
  for (let size = 2; size <= rules.maxGroupSize && size <= n && !found; size++) dfs(0, size, 0);
  if (!found && steps > SUBSET_STEP_LIMIT) return items.slice(0, 1); // too crowded to prove unique: treat as a conflict
  return found;
}

function subsetConflicts(statement, ledger, rules) {
  const conflicts = [];
  const w = rules.dateWindowDays;
  const sides = [
    [statement, byDay(ledger)],
    [ledger, byDay(statement)],
  ];
  for (const [targets, othersByDay] of sides) {
    for (const target of targets) {
      if (target.amount === 0) continue;
      const pool = [];
      for (let d = target.day - w; d <= target.day + w; d++) {
        const list = othersByDay.get(d);
        if (list) pool.push(...list);
      }
      if (pool.length < 2) continue;
      const subset = spuriousSubset(target, pool, rules);
      if (subset) conflicts.push([target, ...subset]);
    }
  }
  return conflicts;
}

/** Redraws colliding groups until no accidental ambiguity is left. */
function audit(scenario, groups) {
  const rules = effectiveRules(scenario.rules);
  let rounds = 0;
  let redrawn = 0;
  for (;;) {
    const { statement, ledger } = visibleEntries(groups);
    const conflicts = pairConflicts(statement, ledger, rules);
    if (conflicts.length === 0) {
      // What should reach the aggregate strategy: aggregate groups, orphans, strays and ties.
      const leftovers = (item) => scenario.subsetAudit === 'all' || item.group.orphan || item.group.ambiguous || item.stray || item.group.rule === 'AGGREGATE';
      conflicts.push(...subsetConflicts(statement.filter(leftovers), ledger.filter(leftovers), rules));
    }
    if (process.env.TRUTH_SET_DEBUG) console.error(`${scenario.name} round ${rounds}: ${conflicts.length} conflicts`, conflicts.slice(0, 3).map((c) => c.map((i) => `${i.side}${i.group.index}:${i.amount}@${i.day}`).join(' ')));
    if (conflicts.length === 0) return { rounds, redrawn };
    if (++rounds > MAX_AUDIT_ROUNDS) throw new Error(`${scenario.name}: could not remove accidental ambiguity in ${MAX_AUDIT_ROUNDS} rounds (${conflicts.length} conflicts); lower the density (perDay)`);
    const toRedraw = new Set();
    for (const entries of conflicts) {
      // Redraw the most recently built group involved that can be redrawn.
      let pick = null;
      for (const item of entries) if (item.group.draw && (pick === null || item.group.index > pick.index)) pick = item.group;
      if (pick === null) throw new Error(`${scenario.name}: a conflict between entries that cannot be redrawn`);
      toRedraw.add(pick);
    }
    for (const group of [...toRedraw].sort((x, y) => x.index - y.index)) {
      group.draw();
      redrawn++;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Assembly

function pad(n, width) {
  return String(n).padStart(width, '0');
}

function statementOut(item) {
  return {
    id: item.id,
    amount: String(item.amount),
    currency: CURRENCY,
    date: dateOfDay(item.day),
    references: item.references.slice(),
    externalId: item.externalId,
    description: item.description,
    status: item.status,
    releaseType: item.releaseType,
  };
}

function ledgerOut(item) {
  return {
    id: item.id,
    amount: String(item.amount),
    currency: CURRENCY,
    date: dateOfDay(item.day),
    references: item.references.slice(),
    externalId: item.externalId,
    description: item.description,
    status: item.status,
    kind: item.kind,
  };
}

function scenarioByName(name) {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`unknown scenario '${name}'; known: ${SCENARIO_NAMES.join(', ')}`);
  return scenario;
}

/** One scenario: entries, rules overrides and ground truth. */
export function generateScenario(name, { seed = DEFAULT_SEED, size = DEFAULT_SIZE } = {}) {
  const scenario = scenarioByName(name);
  if (!Number.isInteger(size) || size < 1) throw new Error(`size must be a positive integer (got ${size})`);
  const rng = createRng(seed, name);
  const b = createBuilder(rng, scenario, size);
  scenario.build(b);
  const { rounds, redrawn } = audit(scenario, b.groups);

  // Ids: both sides shuffled, then numbered, so neither ids nor order reveal the truth.
  const statementItems = [];
  const ledgerItems = [];
  for (const group of b.groups) {
    statementItems.push(...group.st, ...group.copies);
    ledgerItems.push(...group.lg, ...group.tiedL, ...group.strayL);
  }
  rng.shuffle(statementItems);
  rng.shuffle(ledgerItems);
  const width = Math.max(5, String(Math.max(statementItems.length, ledgerItems.length)).length);
  statementItems.forEach((item, i) => (item.id = `${name}:s${pad(i + 1, width)}`));
  ledgerItems.forEach((item, i) => (item.id = `${name}:l${pad(i + 1, width)}`));

  const groups = [];
  const unmatchedStatementIds = [];
  const unmatchedLedgerIds = [];
  const duplicates = [];
  const statusMismatchLedgerIds = [];
  const ambiguousGroupIds = [];
  let truePairs = 0;
  const gWidth = Math.max(4, String(b.groups.length).length);
  for (const group of b.groups) {
    for (const copy of group.copies) {
      duplicates.push({ statementId: copy.id, duplicateOf: copy.copyOf.id });
      unmatchedStatementIds.push(copy.id);
    }
    if (group.orphan || group.st.length === 0 || group.lg.length === 0) {
      for (const item of group.st) unmatchedStatementIds.push(item.id);
      for (const item of group.lg) unmatchedLedgerIds.push(item.id);
      for (const item of [...group.tiedL, ...group.strayL]) unmatchedLedgerIds.push(item.id);
      continue;
    }
    for (const item of [...group.tiedL, ...group.strayL]) unmatchedLedgerIds.push(item.id);
    const out = {
      id: `g${pad(groups.length + 1, gWidth)}`,
      label: group.label,
      rule: group.rule,
      statementIds: group.st.map((i) => i.id).sort(),
      ledgerIds: group.lg.map((i) => i.id).sort(),
      ambiguous: group.ambiguous,
    };
    if (group.ambiguous) {
      out.candidateLedgerIds = [...group.lg, ...group.tiedL].map((i) => i.id).sort();
      ambiguousGroupIds.push(out.id);
    }
    if (group.expectStatusMismatch) {
      out.expectStatusMismatch = true;
      statusMismatchLedgerIds.push(...out.ledgerIds);
    }
    truePairs += out.statementIds.length * out.ledgerIds.length;
    groups.push(out);
  }
  const byId = (x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  const statement = statementItems.map(statementOut).sort(byId);
  const ledger = ledgerItems.map(ledgerOut).sort(byId);
  return {
    name,
    description: scenario.description,
    rules: { ...scenario.rules },
    statement,
    ledger,
    truth: {
      groups,
      unmatchedStatementIds: unmatchedStatementIds.sort(),
      unmatchedLedgerIds: unmatchedLedgerIds.sort(),
      duplicates: duplicates.sort((x, y) => (x.statementId < y.statementId ? -1 : 1)),
      statusMismatchLedgerIds: statusMismatchLedgerIds.sort(),
      ambiguousGroupIds,
    },
    stats: {
      statementEntries: statement.length,
      ledgerEntries: ledger.length,
      groups: groups.length,
      truePairs,
      ambiguousGroups: ambiguousGroupIds.length,
      auditRounds: rounds,
      redrawn,
    },
  };
}

/** `scenarios`: 'all', a comma-separated list, or an array of names. `sizes`: per-scenario size overrides. */
export function generateTruthSet({ seed = DEFAULT_SEED, scenarios = 'all', size = DEFAULT_SIZE, sizes = {} } = {}) {
  const names = scenarios === 'all' ? [...SCENARIO_NAMES] : Array.isArray(scenarios) ? scenarios : String(scenarios).split(',').map((s) => s.trim()).filter(Boolean);
  return {
    generator: GENERATOR,
    version: GENERATOR_VERSION,
    seed,
    size,
    currency: CURRENCY,
    scenarios: names.map((name) => generateScenario(name, { seed, size: sizes[name] ?? size })),
  };
}

/**
 * The engine's input for one generated scenario: amounts as bigint, rules = defaults + the
 * scenario's overrides (`defaults`: DEFAULT_MATCHING_RULES from @concilia/domain).
 */
export function toMatchingInput(scenario, defaults) {
  const rules = { ...defaults, ...scenario.rules };
  for (const key of ['amountTolerance', 'severityWarningAmount', 'severityCriticalAmount']) rules[key] = BigInt(rules[key]);
  rules.referencePatterns = [...rules.referencePatterns];
  rules.strategies = [...rules.strategies];
  return {
    statement: scenario.statement.map((e) => ({ ...e, amount: BigInt(e.amount), references: e.references.slice() })),
    ledger: scenario.ledger.map((e) => ({ ...e, amount: BigInt(e.amount), references: e.references.slice() })),
    rules,
  };
}

// ---------------------------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const options = { seed: DEFAULT_SEED, scenario: 'all', size: DEFAULT_SIZE, out: null, pretty: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split('=', 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--seed':
        options.seed = Number(value());
        break;
      case '--scenario':
      case '--scenarios':
        options.scenario = value();
        break;
      case '--size':
        options.size = Number(value());
        break;
      case '--out':
        options.out = value();
        break;
      case '--pretty':
        options.pretty = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${arg}; known: --seed N, --scenario all|name[,name], --size N, --out FILE|-, --pretty`);
    }
  }
  if (!Number.isSafeInteger(options.seed)) throw new Error('--seed must be an integer');
  return options;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help || options.out === null) {
    console.error('usage: node tools/data/generate-truth-set.mjs [--seed 42] [--scenario all|name[,name]] [--size 400] --out FILE|- [--pretty]');
    console.error(`scenarios: ${SCENARIO_NAMES.join(', ')}`);
    process.exit(options.help ? 0 : 2);
  }
  const started = process.hrtime.bigint();
  const set = generateTruthSet({ seed: options.seed, scenarios: options.scenario, size: options.size });
  const text = `${JSON.stringify(set, null, options.pretty ? 1 : undefined)}\n`;
  if (options.out === '-') process.stdout.write(text);
  else writeFileSync(options.out, text);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  for (const s of set.scenarios) {
    const st = s.stats;
    console.error(
      `${s.name.padEnd(20)} statement ${String(st.statementEntries).padStart(5)}  ledger ${String(st.ledgerEntries).padStart(5)}  groups ${String(st.groups).padStart(4)}  pairs ${String(st.truePairs).padStart(5)}  ambiguous ${String(st.ambiguousGroups).padStart(3)}  redrawn ${st.redrawn} in ${st.auditRounds} rounds`,
    );
  }
  console.error(`seed ${set.seed}, size ${set.size}: ${text.length} bytes, sha256 ${digest}..., ${ms.toFixed(0)} ms${options.out === '-' ? '' : ` -> ${options.out}`}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
